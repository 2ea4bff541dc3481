"""The public site's two section pages, and the short header that leads to them."""

import pytest

SECTION_LINKS = {
    "/take-part/": ["/events/", "/programs/", "/boards/", "/problem-solving/", "/report/"],
    "/accountability/": ["/trust/", "/statistics/complaints/", "/boards/recommendations/", "/visibility/",
                         "/training/", "/audit/"],
}


@pytest.mark.parametrize("path", SECTION_LINKS)
def test_each_section_page_links_to_its_pages(client, agency, path):
    body = client.get(path).content.decode()
    for link in SECTION_LINKS[path]:
        assert f'<h2 class="usa-card__heading"><a href="{link}">' in body, link


def test_the_sections_read_in_spanish(client, agency):
    body = client.get("/es/take-part/").content.decode()
    assert '<html lang="es"' in body
    assert 'href="/es/events/"' in body


def test_the_header_is_short_and_the_footer_lists_every_public_page(client, agency):
    body = client.get("/").content.decode()
    header = body[body.index('<nav aria-label="Main"'):body.index("</nav>")]
    footer = body[body.index('<nav class="usa-footer__nav"'):]
    assert header.count('class="usa-nav-link') == 7
    for link in ["/problem-solving/", "/programs/", "/boards/", "/boards/recommendations/", "/visibility/",
                 "/training/", "/audit/", "/statistics/complaints/"]:
        assert f'href="{link}"' in footer, link
