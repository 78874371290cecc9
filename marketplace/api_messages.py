"""The libraries' own API messages, marked for translation like ours (see marketplace.errors).

marshmallow (field and validator errors), webargs and werkzeug write these in
English; listing them here lets pybabel extract them, so a response can answer
them in the request's language. Templates keep marshmallow's placeholder names:
the response finds the values by matching the English text.
"""

from marketplace.errors import N_

MARSHMALLOW = [
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Invalid input."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid naive datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid period of time."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("String does not match expected pattern."),
    N_('"{input}" cannot be formatted as a date.'),
    N_('"{input}" cannot be formatted as a {obj_type}.'),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("One or more of the choices you made was not in: {choices}."),
]

WERKZEUG = [
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("The requested URL was not found on the server. If you entered the URL manually please check your "
       "spelling and try again."),
    N_("The method is not allowed for the requested URL."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("The server encountered an internal error and was unable to complete your request. Either the server "
       "is overloaded or there is an error in the application."),
]
