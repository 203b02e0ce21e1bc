"""The activities implement the interfaces workflows call (models/activity_interfaces.py):
the same names, inputs and results, so a recorded history names what the worker runs."""

from __future__ import annotations

from temporalio import activity

from activities.delivery import DeliveryActivities
from activities.forms import FormActivities
from activities.notify import NotificationActivities
from activities.storage import ProjectionActivities
from activities.trust import TrustActivities
from models.activity_interfaces import ACTIVITIES

IMPLEMENTATIONS = [
    ProjectionActivities.record_change,
    ProjectionActivities.record_dossier,
    NotificationActivities.send_notification,
    FormActivities.issue_form,
    DeliveryActivities.deliver_result,
    TrustActivities.load_trust,
    TrustActivities.check_submission,
    TrustActivities.check_council,
]


def test_each_interface_has_an_implementation_of_its_name_input_and_result() -> None:
    defined = {}
    for method in IMPLEMENTATIONS:
        defn = activity._Definition.must_from_callable(method)
        defined[defn.name] = (defn.arg_types, defn.ret_type)
    assert defined == {
        interface.name: ([interface.input] if interface.input else [], interface.result)
        for interface in ACTIVITIES
    }
