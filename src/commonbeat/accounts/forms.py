from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .roles import Role


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("That username and password do not match. Both are case-sensitive."),
        "inactive": _("This account is suspended. Ask your agency admin."),
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple, required=True)


class NewStaffForm(RolesForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Temporary password"), widget=forms.PasswordInput(render_value=True),
                               help_text=_("At least 12 characters. The person changes it after signing in."))

    field_order = ["username", "first_name", "last_name", "email", "password", "roles"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
