"""The notification preferences form (choices are the kinds this account may choose)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.notifications.kinds import KINDS
from marketplace.web.i18n import LOCALE_NAMES
from marketplace.web.labels import choices


class NotificationsForm(FlaskForm):
    kinds = SelectMultipleField(_l("Email tôi muốn nhận"), widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    locale = RadioField(_l("Ngôn ngữ của email"), choices=choices(LOCALE_NAMES))

    def audience_kinds(self, audience: str) -> list[str]:
        return [kind for kind, _label in self.kinds.choices if KINDS[kind].audience == audience]

    def offer(self, kinds) -> "NotificationsForm":
        self.kinds.choices = [(kind, str(KINDS[kind].label)) for kind in kinds]
        return self
