"""The public site's navigation: a short header, and a footer that lists every public page."""

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
FOOTER = [
    (_("Neighbourhoods"), "core:home"),
    (_("Events"), "engagement:events"),
    (_("Problem-solving"), "engagement:problems"),
    (_("Youth programs"), "programs:programs"),
    (_("Advisory boards"), "boards:boards"),
    (_("Report a concern or a thank-you"), "feedback:report"),
    (_("Follow your report"), "feedback:track"),
    (_("Trust dashboard"), "insights:dashboard"),
    (_("Complaint statistics"), "feedback:complaint_statistics"),
    (_("Recommendations tracker"), "boards:tracker"),
    (_("Patrols and presence"), "patrols:visibility"),
    (_("Training"), "training:public"),
    (_("Audit log seals"), "core:audit_seals"),
]
