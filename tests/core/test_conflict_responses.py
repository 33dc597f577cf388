"""core.inputs.declare_conflict: every API operation that answers 409 (the action does not fit the
current state; each answer is tested in its app's tests) declares it in the OpenAPI schema, with its
reason and the error envelope; an operation that declared none has no 409."""

import pytest

ANSWERS_409 = [
    "/api/v1/signup",  # already_registered (tests/core/test_signup_api.py)
    "/api/v1/organisations/{org_id}/approve",  # bad_state
    "/api/v1/organisations/{org_id}/refuse",  # bad_state
    "/api/v1/jobs/{job_id}/retry",  # conflict (tests/core/test_jobs.py)
    "/api/v1/jobs/{job_id}/cancel",  # conflict
    "/api/v1/observations/imports/{submission_id}/approve",  # not_pending (tests/stats/test_submissions.py)
    "/api/v1/observations/imports/{submission_id}/return",  # not_pending
    "/api/v1/measures/{code}/reports",  # report_awaiting_review (tests/supervision/)
    "/api/v1/targets/{code}/reports",  # no_open_round
    "/api/v1/measures/{code}/chase",  # measure_chased_today
]


@pytest.fixture
def paths(client, db):
    return client.get("/api/v1/openapi.json").json()["paths"]


def test_every_operation_that_answers_409_declares_it(paths):
    for path in ANSWERS_409:
        conflict = paths[path]["post"]["responses"]["409"]
        assert conflict["description"].startswith("Conflict: ") and len(conflict["description"]) > 20, path
        assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
            path
        )


def test_an_operation_that_declared_no_conflict_has_no_409(paths):
    for path, method in (("/api/v1/target-reports/{pk}/submit", "post"), ("/api/v1/rounds", "post"),
                         ("/api/v1/measures", "get")):  # fmt: skip
        assert "409" not in paths[path][method]["responses"], path
