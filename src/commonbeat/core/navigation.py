"""The public site's navigation: a short header, and a footer that lists every public page, in three groups."""

from django.utils.translation import gettext_lazy as _

# (label, URL name)
HEADER = [
    (_("Neighbourhoods"), "core:home"),
    (_("Events"), "engagement:events"),
    (_("Take part"), "core:take_part"),
    (_("Trust dashboard"), "insights:dashboard"),
    (_("Accountability"), "core:accountability"),
    (_("Report a concern or a thank-you"), "feedback:report"),
    (_("Follow your report"), "feedback:track"),
]
# (group heading, [(label, URL name)])
FOOTER = [
    (_("Take part"), [
        (_("Neighbourhoods"), "core:home"),
        (_("Events"), "engagement:events"),
        (_("Problem-solving"), "engagement:problems"),
        (_("Youth programs"), "programs:programs"),
        (_("Advisory boards"), "boards:boards"),
        (_("Community partners"), "partners:directory"),
        (_("Joint initiatives"), "partners:initiatives"),
        (_("Stories"), "recognition:stories"),
        (_("Awards"), "recognition:awards"),
        (_("Report a concern or a thank-you"), "feedback:report"),
        (_("Follow your report"), "feedback:track"),
    ]),
    (_("Accountability"), [
        (_("Trust dashboard"), "insights:dashboard"),
        (_("Monthly reports"), "insights:monthly_reports"),
        (_("Complaint statistics"), "feedback:complaint_statistics"),
        (_("Recommendations tracker"), "boards:tracker"),
        (_("Patrols and presence"), "patrols:visibility"),
        (_("Training"), "training:public"),
        (_("Crisis response"), "crisis:public"),
        (_("Audit log seals"), "core:audit_seals"),
    ]),
    (_("Transparency"), [
        (_("Policies"), "transparency:policies"),
        (_("News and notices"), "transparency:news"),
        (_("Body-worn cameras"), "transparency:bodycams"),
        (_("Ask for body-worn camera footage"), "transparency:footage_request"),
        (_("Open data"), "transparency:data_catalogue"),
    ]),
]
