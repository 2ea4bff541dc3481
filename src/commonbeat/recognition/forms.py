"""Forms of the recognition pages. Forms only parse what was typed; the rules live in `services`."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commonbeat.accounts.models import User
from commonbeat.accounts.roles import PERMISSIONS, Action, Role
from commonbeat.core.forms import DateInput, MultilingualForm, OfficerChoiceField
from commonbeat.core.models import Agency, Neighbourhood, Officer
from commonbeat.core.submissions import new_token, valid_token
from commonbeat.core.tenancy import scoped

from .models import AwardProgram, NomineeKind
from .services import PHOTO_MAX_BYTES


class SubmissionTokenMixin:
    def init_token(self) -> None:
        if not self.is_bound:
            self.initial.setdefault("submission_token", new_token())
        elif not valid_token(self.data.get("submission_token", "")):
            self.data = self.data.copy()
            self.data["submission_token"] = new_token()


def _officers(agency: Agency):
    return scoped(Officer, agency).filter(active_until__isnull=True).order_by("last_name", "first_name")


class PhotoField(forms.ImageField):
    """An image checked by Pillow and limited in size; services strip its metadata before it is stored."""

    def clean(self, data, initial=None):
        if data and getattr(data, "size", 0) > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is too large: it can be 5 MB at most."))
        return super().clean(data, initial)


class ShareStoryForm(SubmissionTokenMixin, forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("A title for your story"), max_length=200)
    text = forms.CharField(label=_("Your story"), max_length=6000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("What happened, and who made a difference. Staff read every story before "
                                       "it is published and remove personal details."))
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(), empty_label=_("Not in one place"))
    photo = PhotoField(label=_("A photo"), required=False,
                       help_text=_("JPEG, PNG or WebP, 5 MB at most. Location and camera details are removed."))
    photo_consent = forms.BooleanField(
        label=_("Everyone shown in the photo agreed to it being published"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=120, required=False,
                           help_text=_("Never published. Staff may use it to thank you."))
    email = forms.EmailField(label=_("Your e-mail address"), required=False,
                             help_text=_("Never published. Only if you would like a reply."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.init_token()

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_consent"):
            self.add_error("photo_consent", _("A photo can only be shared when everyone in it agreed. Tick the "
                                              "box to confirm, or leave the photo out."))
        return data


class StoryForm(MultilingualForm):
    """Staff write or moderate a story: the public text in both languages and who and where it is about."""

    officer = OfficerChoiceField(label=_("Officer named"), required=False, queryset=Officer.objects.none(),
                                 empty_label=_("No officer"))
    community_member = forms.CharField(label=_("Community member named"), max_length=120, required=False,
                                       help_text=_("Only someone who agreed to be named."))
    community_member_agreed = forms.BooleanField(label=_("The community member agreed to be named"),
                                                 required=False)
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), required=False,
                                           queryset=Neighbourhood.objects.none(), empty_label=_("Not in one place"))

    multilingual = {"title": (_("Title"), 0, False), "body": (_("Story"), 8, False),
                    "photo_description": (_("Photo description for people who cannot see it"), 0, False)}

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = _officers(agency)
        self.fields["neighbourhood"].queryset = scoped(Neighbourhood, agency).order_by("name")
        self.order_multilingual(["title", "body", "officer", "community_member", "community_member_agreed",
                                 "neighbourhood", "photo_description"])

    @classmethod
    def initial_for(cls, story, *, title: str = "", body: str = "") -> dict:
        """The story's public text, or, for a resident's story not yet edited, the redacted text it was sent."""
        language = story.submitted_language
        titles = story.title or ({language: title} if title else {})
        bodies = story.body or ({language: body} if body else {})
        return {"officer": story.officer, "community_member": story.community_member,
                "community_member_agreed": story.community_member_agreed, "neighbourhood": story.neighbourhood,
                **cls.initial_texts("title", titles), **cls.initial_texts("body", bodies),
                **cls.initial_texts("photo_description", story.photo_description)}

    def details(self) -> dict:
        data = self.cleaned_data
        return {"title": self.texts("title"), "body": self.texts("body"),
                "photo_description": self.texts("photo_description"), "officer": data["officer"],
                "community_member": data["community_member"],
                "community_member_agreed": data["community_member_agreed"], "neighbourhood": data["neighbourhood"]}


class NewStoryForm(SubmissionTokenMixin, StoryForm):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    photo = PhotoField(label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, 5 MB at most."))
    photo_consent = forms.BooleanField(label=_("Everyone shown in the photo agreed to it being published"),
                                       required=False)
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_consent"):
            self.add_error("photo_consent", _("A photo can only be published when everyone in it agreed."))
        return data


class ProgramForm(MultilingualForm):
    slug = forms.SlugField(label=_("Short name"), max_length=60,
                           help_text=_("Used in the page address, e.g. officer-of-the-year."))
    nominee_kind = forms.ChoiceField(label=_("Who can be nominated"), choices=NomineeKind.choices)
    opens_on = forms.DateField(label=_("Nominations open"), widget=DateInput, input_formats=["%Y-%m-%d"])
    closes_on = forms.DateField(label=_("Nominations close"), widget=DateInput, input_formats=["%Y-%m-%d"])

    multilingual = {"name": (_("Name of the award"), 0, True), "criteria": (_("Criteria"), 4, False)}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]
            del self.fields["nominee_kind"]
        self.order_multilingual(["slug", "name", "criteria", "nominee_kind", "opens_on", "closes_on"])

    @classmethod
    def initial_for(cls, program: AwardProgram) -> dict:
        return {"opens_on": program.opens_on, "closes_on": program.closes_on,
                **cls.initial_texts("name", program.name), **cls.initial_texts("criteria", program.criteria)}


class PanelForm(forms.Form):
    members = forms.ModelMultipleChoiceField(label=_("Panel members"), required=False,
                                             queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
                                             help_text=_("Staff whose role lets them score nominations."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        roles = set(PERMISSIONS[Action.SCORE_NOMINATIONS]) | {Role.AGENCY_ADMIN}
        self.fields["members"].queryset = (User.objects.filter(memberships__agency=agency,
                                                               memberships__role__in=roles, is_active=True)
                                           .distinct().order_by("username"))


class NomineeFields(forms.Form):
    """The nominee: an officer from the list, or a community member's name, depending on the award."""

    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none(), required=False,
                                 empty_label=_("Choose"))
    nominee_name = forms.CharField(label=_("Name of the person you nominate"), max_length=120, required=False)
    reason = forms.CharField(label=_("Why they deserve the award"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, program: AwardProgram, **kwargs):
        super().__init__(*args, **kwargs)
        if program.nominee_kind == NomineeKind.OFFICER:
            del self.fields["nominee_name"]
            self.fields["officer"].queryset = _officers(program.agency)
            self.fields["officer"].required = True
        else:
            del self.fields["officer"]
            self.fields["nominee_name"].required = True

    def nominee(self) -> dict:
        return {"officer": self.cleaned_data.get("officer"), "nominee_name": self.cleaned_data.get("nominee_name", "")}


class PublicNominationForm(SubmissionTokenMixin, NomineeFields):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    nominator_name = forms.CharField(label=_("Your name"), max_length=120,
                                     help_text=_("Never published. Only staff running the award see it."))
    nominator_contact = forms.CharField(label=_("Your phone number or e-mail address"), max_length=200,
                                        help_text=_("Never published. Used only if staff have a question."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()


class StaffNominationForm(SubmissionTokenMixin, NomineeFields):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()


class CommendationNominationForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Award"), queryset=AwardProgram.objects.none(), empty_label=None)
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=Officer.objects.none(), empty_label=None)

    def __init__(self, *args, programs, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["officer"].queryset = officers
        self.fields["program"].label_from_instance = lambda program: program.name_in(get_language() or "en")
        self.fields["officer"].label_from_instance = lambda o: f"{o.rank} {o.first_name} {o.last_name}"

    def show_choices(self, programs: list[AwardProgram], officers: list[Officer]) -> None:
        """Offer choices already read, so that a page listing many of these forms does not query for each."""
        for name, objects in (("program", programs), ("officer", officers)):
            field = self.fields[name]
            field.choices = [(item.pk, field.label_from_instance(item)) for item in objects]


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your score"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(value, str(value)) for value in range(1, 6)],
                                   help_text=_("1 falls short of the criteria, 5 meets them outstandingly."))


class AnnounceForm(MultilingualForm):
    nominee_agreed = forms.BooleanField(label=_("The winner agreed to be named publicly"), required=False)

    multilingual = {"citation": (_("Citation"), 4, True)}

    def __init__(self, *args, community: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citation_es"].required = True
        if not community:
            del self.fields["nominee_agreed"]
