"""Wagtail admin: staff inspect identification requests; nobody edits them."""

import pytest

from identify.tasks import identification_originals_purge

from .factories import IdentificationRequestFactory, SpeciesFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, home_page):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_request_list_shows_status_backends_time_candidate_errors(
    staff_client, django_assert_max_num_queries
):
    IdentificationRequestFactory(
        status="done",
        verdict="identified",
        backend_set="local+plantnet",
        candidates=[{"scientific_name": "Aloe vera"}],
        backends={"plantnet": {"outcome": "failed", "error": {"code": "rate_limited"}}},
    )
    IdentificationRequestFactory(status="failed", error_code="backends_failed")
    with django_assert_max_num_queries(40):
        response = staff_client.get(
            "/admin/identify/identificationrequest/?status=done"
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aloe vera" in html
    assert "local+plantnet" in html
    assert "plantnet: rate_limited" in html
    assert "backends_failed" not in html  # filtered out by status


def test_requests_cannot_be_created_or_edited(staff_client):
    request = IdentificationRequestFactory()
    assert staff_client.get(
        "/admin/identify/identificationrequest/create/"
    ).status_code in (302, 403)
    assert staff_client.get(
        f"/admin/identify/identificationrequest/edit/{request.pk}/"
    ).status_code in (302, 403)
    assert (
        staff_client.get(
            f"/admin/identify/identificationrequest/inspect/{request.pk}/"
        ).status_code
        == 200
    )


def test_species_library_is_searchable(staff_client):
    SpeciesFactory(
        scientific_name="Aloe vera", slug="aloe-vera", family="Asphodelaceae"
    )
    SpeciesFactory(scientific_name="Pilea peperomioides", slug="pilea-peperomioides")
    response = staff_client.get("/admin/identify/species/?q=aloe")
    assert response.status_code == 200
    assert b"Aloe vera" in response.content
    assert b"Pilea peperomioides" not in response.content


def test_purge_task_runs_the_purge(settings):
    # eager Celery: the beat entry's task calls the service and reports a count
    assert identification_originals_purge.delay().get() == 0
