//! The claim pages on every backend: a policyholder builds the inventory with forms
//! (grouped by room, totals as money, errors at the field), submits it and can no longer change
//! it; the adjuster opens a claim with an invitation, filters the list, reviews, comments and
//! reopens with a message; strangers get "not found" on every page and form.

use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode};
use portal_testkit::{TEST_PASSWORD, TestApp, backends, csrf_from};
use serde_json::{Value, json};

async fn page(app: &TestApp, c: &Client, path: &str) -> (StatusCode, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn form(app: &TestApp, c: &Client, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let r = c.post(app.url(path)).form(fields).send().await.unwrap();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status(), location, r.text().await.unwrap())
}

async fn signed_in(app: &TestApp, email: &str, role: Role) -> Client {
    app.create_user(email, role).await;
    let c = app.client();
    let a: Value = app.api_login(&c, email, TEST_PASSWORD).await.json().await.unwrap();
    if role == Role::Adjuster {
        assert_eq!(a["state"], "mfa_setup_required");
        let r = app.post_json(&c, "/api/v1/mfa/totp/setup", json!({})).await;
        let setup: Value = r.json().await.unwrap();
        let code = app.oathtool_code(setup["secret"].as_str().unwrap());
        let done: Value =
            app.post_json(&c, "/api/v1/mfa/totp/confirm", json!({ "code": code })).await.json().await.unwrap();
        assert_eq!(done["state"], "authenticated");
    } else {
        assert_eq!(a["state"], "authenticated");
    }
    c
}

fn item_fields<'a>(
    csrf: &'a str,
    description: &'a str,
    room: &'a str,
    qty: &'a str,
    cost: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("description", description),
        ("room", room),
        ("quantity", qty),
        ("replacement_cost", cost),
        ("condition", "good"),
        ("brand", ""),
        ("model", ""),
        ("age_years", ""),
        ("age_months", ""),
        ("category", ""),
        ("notes", ""),
    ]
}

#[tokio::test]
async fn a_policyholder_builds_and_submits_an_inventory_and_the_adjuster_reviews_and_reopens_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let ann = signed_in(&app, "ann@example.com", Role::Policyholder).await;
        let ada = signed_in(&app, "ada@example.com", Role::Adjuster).await;

        // The adjuster opens the claim from the form and sees the link to hand over.
        let (status, html) = page(&app, &ada, "/claims/new").await;
        assert_eq!(status, StatusCode::OK);
        let csrf = csrf_from(&html);
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("claim_number", "CLM-55"),
            ("loss_date", "2030-01-01"),
            ("loss_address", "1 Oak Rd"),
            ("policyholder_name", "Ann"),
            ("policyholder_email", "ann@example.com"),
        ];
        let (status, _, html) = form(&app, &ada, "/claims", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("cannot be in the future"), "{html}");
        assert!(html.contains("value=\"CLM-55\""), "the form keeps what was typed");
        fields[2].1 = "2026-02-20";
        let (status, _, html) = form(&app, &ada, "/claims", &fields).await;
        assert_eq!(status, StatusCode::CREATED, "{html}");
        assert!(html.contains("/claims/"), "{html}");
        let (_, list) = page(&app, &ann, "/claims").await;
        let start = list.find("href=\"/claims/").expect("Ann sees her claim") + "href=\"/claims/".len();
        let id = list[start..start + 32].to_owned();
        let claim = format!("/claims/{id}");

        // Ann adds items with the form; a bad one is refused at its field.
        let (_, html) = page(&app, &ann, &claim).await;
        let csrf = csrf_from(&html);
        for (d, room, q, cost) in [
            ("Toaster", "Kitchen", "2", "49.99"),
            ("Sofa", "Living room", "1", "1234.56"),
            ("Kettle", "Kitchen", "1", "25"),
        ] {
            let (status, location, _) =
                form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, d, room, q, cost)).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            assert!(location.starts_with(&claim));
        }
        let (status, _, html) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, "Rug", "Office", "-4", "10")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("from 1 to 10000"), "{html}");
        assert!(
            html.contains(
                "id=\"quantity\" name=\"quantity\" value=\"-4\" inputmode=\"numeric\" required aria-invalid=\"true\""
            ),
            "{html}"
        );
        let (status, _, html) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, "Rug", "Office", "1", "12,00")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("no $ or commas"), "{html}");

        let (_, html) = page(&app, &ann, &claim).await;
        assert!(html.contains("$1,234.56"), "room and claim totals as money");
        assert!(html.contains("$124.98"), "Kitchen: 2 × 49.99 + 25.00");
        assert!(html.contains("$1,359.54"), "claim total");
        assert!(html.find("Kitchen").unwrap() < html.find("Living room").unwrap(), "rooms in order");

        // Edit and delete.
        let first_edit = html.find(&format!("href=\"{claim}/items/")).unwrap() + format!("href=\"{claim}/items/").len();
        let item_id = html[first_edit..first_edit + 32].to_owned();
        let (status, edit) = page(&app, &ann, &format!("{claim}/items/{item_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(edit.contains("value=\"49.99\""), "{edit}");
        let (status, _, _) = form(
            &app,
            &ann,
            &format!("{claim}/items/{item_id}"),
            &item_fields(&csrf, "Toaster", "Kitchen", "3", "49.99"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &claim).await;
        assert!(html.contains("$1,409.53"), "3 × 49.99 + 25 + 1234.56");
        let (status, _, _) = form(&app, &ann, &format!("{claim}/items/{item_id}/delete"), &[("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields("wrong", "Rug", "Office", "1", "1")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a form without the session's token is refused");

        // Submit: read-only from now on.
        let (status, _, _) = form(&app, &ann, &format!("{claim}/submit"), &[("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &claim).await;
        assert!(html.contains("read-only until your adjuster reopens it"));
        assert!(!html.contains("Add an item"));
        let (status, _, _) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, "Rug", "Office", "1", "1")).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The adjuster filters, reviews, comments, reopens.
        let (_, list) = page(&app, &ada, "/claims?status=submitted").await;
        assert!(list.contains("CLM-55") && list.contains("$1,259.56"), "{list}");
        let (_, list) = page(&app, &ada, "/claims?status=closed").await;
        assert!(!list.contains("CLM-55"));
        let (_, html) = page(&app, &ada, &claim).await;
        let acsrf = csrf_from(&html);
        assert_eq!(form(&app, &ada, &format!("{claim}/review"), &[("csrf", &acsrf)]).await.0, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ada, &claim).await;
        let at = html.find("/comment\"").unwrap();
        let item_for_comment = html[at - 32..at].to_owned();
        let (status, _, _) = form(
            &app,
            &ada,
            &format!("{claim}/items/{item_for_comment}/comment"),
            &[("csrf", &acsrf), ("comment", "Photo of the serial number, please")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) =
            form(&app, &ada, &format!("{claim}/reopen"), &[("csrf", &acsrf), ("message", "Add the serial number")])
                .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &claim).await;
        assert!(html.contains("Photo of the serial number, please"));
        assert!(html.contains("Add the serial number"));
        assert!(html.contains("Add an item"), "editable again");

        // A stranger gets "not found" on every claim page and form.
        let eve = signed_in(&app, "eve@example.com", Role::Adjuster).await;
        let mallory = signed_in(&app, "mallory@example.com", Role::Policyholder).await;
        for who in [&eve, &mallory] {
            let (_, html) = page(&app, who, "/claims").await;
            assert!(!html.contains("CLM-55"));
            let wcsrf = csrf_from(&page(&app, who, "/claims").await.1);
            for path in [claim.clone(), format!("{claim}/items/{item_for_comment}"), format!("{claim}/export.csv")] {
                assert_eq!(page(&app, who, &path).await.0, StatusCode::NOT_FOUND, "GET {path}");
            }
            for path in [
                format!("{claim}/items"),
                format!("{claim}/items/{item_for_comment}"),
                format!("{claim}/items/{item_for_comment}/delete"),
                format!("{claim}/items/{item_for_comment}/comment"),
                format!("{claim}/submit"),
                format!("{claim}/review"),
                format!("{claim}/close"),
                format!("{claim}/reopen"),
            ] {
                let mut fields = item_fields(&wcsrf, "Stolen", "Office", "1", "1");
                fields.push(("message", "x"));
                fields.push(("comment", "x"));
                assert_eq!(form(&app, who, &path, &fields).await.0, StatusCode::NOT_FOUND, "POST {path}");
            }
        }
    }
}

/// The same client reading Spanish from now on: `?lang=es` keeps the choice in a cookie.
async fn in_spanish(app: &TestApp, c: &Client) {
    let (status, html) = page(app, c, "/claims?lang=es").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="es">"#), "{html}");
}

#[tokio::test]
async fn the_claim_pages_speak_spanish_to_whoever_reads_it_and_keep_the_data_as_typed() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let ann = signed_in(&app, "ann@example.com", Role::Policyholder).await;
        let ada = signed_in(&app, "ada@example.com", Role::Adjuster).await;
        in_spanish(&app, &ada).await;
        in_spanish(&app, &ann).await;

        // The adjuster opens the claim with the Spanish form; its errors are Spanish too.
        let (_, html) = page(&app, &ada, "/claims").await;
        assert!(html.contains("<h1>Reclamos</h1>") && html.contains("Abrir un reclamo"), "{html}");
        assert!(html.contains(r#"aria-label="Filtrar por estado""#) && html.contains("Borrador"), "{html}");
        let (_, html) = page(&app, &ada, "/claims/new").await;
        assert!(html.contains("<h1>Abrir un reclamo</h1>") && html.contains("Número de reclamo"), "{html}");
        assert!(html.contains(">Abrir el reclamo e invitar</button>"), "{html}");
        let csrf = csrf_from(&html);
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("claim_number", "CLM-77"),
            ("loss_date", "2030-01-01"),
            ("loss_address", "1 Oak Rd"),
            ("policyholder_name", "Ann"),
            ("policyholder_email", "ann@example.com"),
        ];
        let (status, _, html) = form(&app, &ada, "/claims", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("la fecha de la pérdida no puede ser futura"), "{html}");
        fields[2].1 = "2026-02-20";
        let (status, _, html) = form(&app, &ada, "/claims", &fields).await;
        assert_eq!(status, StatusCode::CREATED, "{html}");
        assert!(html.contains("<h1>El reclamo CLM-77 está abierto</h1>") && html.contains("Ir al reclamo"), "{html}");

        // Ann's list and claim: statuses, dates, labels and suggestions in Spanish.
        let (_, list) = page(&app, &ann, "/claims").await;
        assert!(list.contains("<h1>Sus reclamos</h1>"), "{list}");
        assert!(list.contains("claim-status-draft\">Borrador</span>"), "the class keeps the stored value: {list}");
        assert!(list.contains("<td>20 de febrero de 2026</td>"), "{list}");
        let start = list.find("href=\"/claims/").unwrap() + "href=\"/claims/".len();
        let claim = format!("/claims/{}", &list[start..start + 32]);
        let (_, html) = page(&app, &ann, &claim).await;
        assert!(html.contains("<h1>Reclamo CLM-77</h1>") && html.contains("<title>Reclamo CLM-77 ·"), "{html}");
        assert!(
            html.contains("<dd>20 de febrero de 2026</dd>") && html.contains("Todavía no hay artículos."),
            "{html}"
        );
        assert!(html.contains("Agregar un artículo") && html.contains(">Agregar artículo</button>"), "{html}");
        assert!(html.contains(r#"<option value="Cocina">"#), "room suggestions in Spanish: {html}");
        assert!(html.contains(r#"<option value="like_new">Como nuevo</option>"#), "{html}");
        assert!(html.contains("Costo de reemplazo por unidad ($)"), "{html}");
        let csrf = csrf_from(&html);

        // A wrong field is explained in Spanish; what was typed stays as typed.
        let (status, _, html) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, "Alfombra", "Sala", "-4", "10")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("debe ser un número entero del 1 al 10000"), "{html}");
        assert!(html.contains(r#"value="Alfombra""#), "{html}");
        let (status, _, html) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, "Alfombra", "Sala", "1", "12,00")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("&#34;12,00&#34; no es una cantidad; escríbala así: 1234.56 (sin $ ni comas)"), "{html}");
        let (status, _, html) =
            form(&app, &ann, &format!("{claim}/items"), &item_fields(&csrf, "Alfombra", "Sala", "dos", "10")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("escriba un número entero"), "{html}");

        let mut toaster = item_fields(&csrf, "Tostadora", "Cocina", "2", "1234.50");
        toaster.retain(|(k, _)| !k.starts_with("age_"));
        toaster.extend([("age_years", "2"), ("age_months", "3")]);
        let (status, location, _) = form(&app, &ann, &format!("{claim}/items"), &toaster).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &location).await;
        assert!(html.contains("Se agregó el artículo."), "{html}");
        assert!(html.contains("<strong>$2,469.00</strong> (1 artículo)"), "money stays $1,234.56: {html}");
        assert!(html.contains("2 años y 3 meses") && html.contains(">Bueno<"), "{html}");
        assert!(html.contains(r#"aria-label="Artículos en Cocina""#) && html.contains("Total del reclamo:"), "{html}");

        // Submitted: the notice, the read-only note and the history in Spanish.
        let (status, location, _) = form(&app, &ann, &format!("{claim}/submit"), &[("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &location).await;
        assert!(html.contains("El inventario se envió a su ajustador."), "{html}");
        assert!(html.contains("Este inventario se envió y no se puede modificar"), "{html}");
        assert!(html.contains("Abierto como borrador por ada@example.com"), "{html}");
        assert!(html.contains("Borrador → Enviado por ann@example.com"), "{html}");
        assert!(html.contains("de 2026, "), "history times carry long dates: {html}");
        assert!(!html.contains("Agregar un artículo"));

        // The adjuster's review in Spanish; the filter keeps the stored value in its link.
        let (_, list) = page(&app, &ada, "/claims?status=submitted").await;
        assert!(list.contains(r#"href="/claims?status=submitted" aria-current="page">Enviado"#), "{list}");
        let (_, html) = page(&app, &ada, &claim).await;
        assert!(html.contains(">Comenzar la revisión</button>") && html.contains("Reabrir el inventario"), "{html}");
        assert!(html.contains("Reabrir para el asegurado: el mensaje que le enviará"), "{html}");

        // The same claim read in English by someone who asks for it.
        let english = ann.get(app.url(&format!("{claim}?lang=en"))).send().await.unwrap().text().await.unwrap();
        assert!(english.contains(r#"<html lang="en">"#) && english.contains("<h1>Claim CLM-77</h1>"), "{english}");
        assert!(english.contains("<dd>February 20, 2026</dd>"), "{english}");
        assert!(english.contains("<strong>$2,469.00</strong> (1 item)") && english.contains("2 yr 3 mo"), "{english}");
        assert!(english.contains("Draft → Submitted by ann@example.com"), "{english}");
    }
}
