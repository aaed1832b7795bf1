"""The Mutation root, composed from one small module per mutation family."""

import strawberry

from .applications import review_application, submit_application, supplement_application
from .change_scheme import change_scheme
from .person_categories import record_person_category
from .register_person import register_person
from .selections import end_selection, select_institution, withdraw_selection


@strawberry.type
class Mutation:
    register_person = register_person
    change_scheme = change_scheme
    record_person_category = record_person_category
    select_institution = select_institution
    withdraw_selection = withdraw_selection
    end_selection = end_selection
    submit_application = submit_application
    review_application = review_application
    supplement_application = supplement_application
