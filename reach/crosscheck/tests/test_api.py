from reach.crosscheck.models import CrosscheckRun

API = "/api/v1/crosschecks"


def test_upload_compare_and_read_a_list(client, ward, planted):
    client.force_login(ward.users["officer"])
    planted.name = "register.csv"
    staged = client.post(API, {"unit": ward.ward.code, "month": "2024-10", "file": planted})
    assert staged.status_code == 200, staged.content
    run_id = staged.json()["id"]
    compared = client.post(f"{API}/{run_id}/compare")
    assert compared.json()["suspected"] == 3
    listed = client.get(f"{API}/{run_id}/findings", {"list": "poor_dropouts"}).json()
    assert [f["full_name"] for f in listed] == ["Child poor_dropout"]
    assert [r["id"] for r in client.get(API).json()] == [run_id]


def test_bad_rows_answer_422_with_every_row(client, ward):
    from reach.crosscheck.tests.factories import register_file

    client.force_login(ward.users["officer"])
    file = register_file(
        [{"full_name": "", "birth_date": "2015-01-01", "school_code": "NOPE", "status": "enrolled"}]
    )
    file.name = "bad.csv"
    response = client.post(API, {"unit": ward.ward.code, "month": "2024-10", "file": file})
    assert response.status_code == 422
    assert {e["column"] for e in response.json()["errors"]} == {"full_name"}
    assert not CrosscheckRun.objects.exists()


def test_lists_are_scoped_to_the_children_a_reader_sees(client, ward, planted):
    client.force_login(ward.users["officer"])
    planted.name = "register.csv"
    run_id = client.post(API, {"unit": ward.ward.code, "month": "2024-10", "file": planted}).json()[
        "id"
    ]
    client.post(f"{API}/{run_id}/compare")
    client.force_login(ward.users["other_officer"])
    assert client.get(f"{API}/{run_id}").status_code == 404
    assert client.get(API).json() == []
