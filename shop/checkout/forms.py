from django import forms
from django.utils.translation import gettext_lazy as _

from oscar.apps.checkout.forms import *  # noqa: F403


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How would you like to pay?"), widget=forms.RadioSelect
    )

    def __init__(self, *args, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = methods
        self.fields["method"].choices = [(m.code, m.name) for m in methods]
        if len(methods) == 1:
            self.fields["method"].initial = methods[0].code
