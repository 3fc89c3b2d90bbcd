//! Staff journeys in a real browser (headless Chromium over WebDriver), against the real portal
//! on a random 127.0.0.1 port, with the same page checks as the MFA journeys (screenshots at
//! desktop and mobile size under `target/screenshots/<journey>/`, axe-core, no sideways scroll,
//! requests and windows inside the portal; see `portal_e2e::Browser::page`):
//!
//! 1. a support agent finds a policyholder past the setup deadline in the support console and
//!    extends it by 7 days, and sees the deadline on the enrollment report's chart; the
//!    policyholder then signs in and may set up a method again;
//! 2. a policyholder whose adjuster opened a claim adds two items in two rooms, sees the room
//!    and claim totals, submits the inventory and finds it read-only;
//! 3. the inventory's whole story: with MFA in force, a policyholder signs in with her authenticator
//!    app, builds a 50-item inventory across rooms (a spreadsheet through the import page's
//!    check-then-import, two items by hand), attaches photos and a receipt, downloads the CSV and
//!    submits; the adjuster signs in with his app, sees every item and photo, comments on an
//!    item and reopens the inventory with a message, which the policyholder then reads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_core::user::Role;
use portal_e2e::{Browser, Js};
use portal_testkit::reqwest::StatusCode;
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp};
use serde_json::{Value, json};
use time::macros::{date, datetime};

const ANN: &str = "ann@example.com";
const SAM: &str = "sam.support@example.com";
const ADA: &str = "ada.adjuster@example.com";

/// The sign-in page: email, password, "Sign in".
async fn sign_in(b: &mut Browser, name: &str, email: &str) {
    b.page(name, "Sign in").await;
    b.fill("#email", email).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose("Sign in").await;
}

/// From "Add a verification method": the authenticator app, its secret (from "Still having
/// trouble?"), the code oathtool computes, "Continue" → home. Returns the secret.
async fn enroll_app(app: &TestApp, b: &mut Browser) -> String {
    b.choose("Authenticator app").await;
    b.page("authenticator-app", "Authenticator app").await;
    b.choose("Still having trouble?").await;
    let secret = b.find("#totp-secret").await.attr("data-copy").await.unwrap().expect("data-copy on #totp-secret");
    b.same_page("authenticator-app-secret", "#totp-secret").await;
    b.fill("#code", &app.oathtool_code(&secret.to_ascii_uppercase())).await;
    b.choose("Continue").await;
    b.page("home", "Welcome").await;
    secret.to_ascii_uppercase()
}

// ---------------------------------------------------------------------------------------------
// 1. A support agent extends the deadline of a past-deadline policyholder, who then signs in.

#[tokio::test]
async fn support_agent_extends_a_deadline_then_the_policyholder_signs_in() {
    // MFA switched on at New Year for an account from last June: the deadline was February 15.
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::mfa_from(date!(2026 - 01 - 01))).await;
    app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2025-06-01 12:00 UTC))).await;
    app.create_user(SAM, Role::Support).await;
    let mut b = Browser::start(&app.base_url, "11-support-extends-deadline", Js::Enabled).await;

    // The agent signs in and must set up a method (staff always do).
    b.goto("/login").await;
    sign_in(&mut b, "agent-sign-in", SAM).await;
    b.page("agent-add-a-method", "Add a verification method").await;
    enroll_app(&app, &mut b).await;

    // Support console → search → the user.
    b.choose("Support console").await;
    b.page("console-users", "Users").await;
    b.fill("#q", ANN).await;
    b.choose("Search").await;
    b.page("console-search", "Users").await;
    let found = b.text().await;
    assert!(found.contains("1 user matching") && found.contains(ANN), "{found}");
    b.choose("ann").await;
    b.page("console-user", "ann").await;
    let user = b.text().await;
    assert!(user.contains(ANN) && user.contains("February 15, 2026"), "{user}");

    // Extend deadline: 7 days and a reason, confirmed.
    b.choose("Extend deadline").await;
    b.page("extend-deadline", "Extend the setup deadline").await;
    b.fill("#days", "7").await;
    b.fill("#reason", "Called in, identity checked by phone").await;
    b.choose("Extend deadline").await;
    b.page("deadline-extended", "ann").await;
    let done = b.text().await;
    assert!(done.contains("The deadline was extended"), "{done}");
    assert!(done.contains("March 9, 2026"), "the new deadline is not shown:\n{done}");

    // The enrollment report: the chart is drawn on the server and needs no script, with its
    // numbers in a table under it; the extended deadline is marked on it.
    b.choose("Enrollment report").await;
    b.page("enrollment-report", "MFA enrollment report").await;
    let drawn = b
        .script(
            "const svg = document.querySelector('.enrollment-chart svg'); \
             return svg ? [svg.querySelectorAll('path, polyline, line').length, \
                           svg.getBoundingClientRect().width, \
                           document.querySelectorAll('table.enrollment-days tbody tr').length] : null;",
        )
        .await;
    assert!(drawn.is_array(), "no chart on the report page");
    assert!(drawn[0].as_u64().unwrap() > 3, "the chart has lines: {drawn}");
    assert!(drawn[1].as_f64().unwrap() > 200.0, "the chart is visible: {drawn}");
    assert!(drawn[2].as_u64().unwrap() >= 10, "the table under it has the days: {drawn}");
    let report = b.text().await;
    assert!(
        report.contains("March 9, 2026") || report.contains("2026-03-09"),
        "the new deadline is in the table:\n{report}"
    );
    b.same_page("enrollment-chart", ".enrollment-chart").await;

    // The policyholder signs in in the same browser after the agent signs out.
    b.choose("Sign out").await;
    sign_in(&mut b, "policyholder-sign-in", ANN).await;
    b.page("policyholder-add-a-method", "Add a verification method").await;
    let text = b.text().await;
    assert!(text.contains("7 days left"), "{text}");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 2. A policyholder adds items in two rooms and submits the inventory.

async fn api(
    app: &TestApp,
    c: &portal_testkit::reqwest::Client,
    path: &str,
    body: Value,
    expected: StatusCode,
) -> Value {
    let r = app.post_json(c, path, body).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, expected, "POST {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// An adjuster signed in through the API (staff always set up MFA) opens claim `number` for
/// Ann; returns the adjuster's TOTP secret.
async fn adjuster_opens_a_claim(app: &TestApp, number: &str) -> String {
    app.create_user(ADA, Role::Adjuster).await;
    let c = app.client();
    let login = app.api_login(&c, ADA, TEST_PASSWORD).await.text().await.unwrap();
    assert!(login.contains("mfa_setup_required"), "{login}");
    let setup = api(app, &c, "/api/v1/mfa/totp/setup", json!({}), StatusCode::OK).await;
    let code = app.oathtool_code(setup["secret"].as_str().unwrap());
    let done = api(app, &c, "/api/v1/mfa/totp/confirm", json!({ "code": code }), StatusCode::OK).await;
    assert_eq!(done["state"], "authenticated", "{done}");
    let claim = json!({
        "claim_number": number,
        "loss_date": "2026-02-14",
        "loss_address": "12 Elm St",
        "policyholder_email": ANN,
        "policyholder_name": "Ann Lee",
    });
    let opened = api(app, &c, "/api/v1/claims", claim, StatusCode::CREATED).await;
    assert_eq!(opened["new_account"], false, "the claim did not link to Ann's account: {opened}");
    setup["secret"].as_str().unwrap().to_owned()
}

/// The item form on the claim page: description, room, quantity, cost each, "Add item".
async fn add_item(b: &mut Browser, name: &str, heading: &str, item: (&str, &str, &str, &str)) {
    let (description, room, quantity, cost) = item;
    b.fill("#description", description).await;
    b.fill("#room", room).await;
    b.fill("#quantity", quantity).await;
    b.fill("#replacement_cost", cost).await;
    b.choose("Add item").await;
    b.page(name, heading).await;
    let text = b.text().await;
    assert!(text.contains("The item was added.") && text.contains(description), "{text}");
}

#[tokio::test]
async fn policyholder_adds_items_in_two_rooms_and_submits_the_inventory() {
    // MFA not switched on yet: the policyholder signs in with the password alone.
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::default()).await;
    app.create_user(ANN, Role::Policyholder).await;
    adjuster_opens_a_claim(&app, "CL-2026-0042").await;
    let mut b = Browser::start(&app.base_url, "12-policyholder-submits-inventory", Js::Enabled).await;

    b.goto("/login").await;
    sign_in(&mut b, "sign-in", ANN).await;
    b.page("home", "Welcome").await;
    b.goto("/claims").await;
    b.page("claims", "Your claims").await;
    b.choose("CL-2026-0042").await;
    let heading = "Claim CL-2026-0042";
    b.page("claim", heading).await;
    assert!(b.text().await.contains("No items yet."), "{}", b.text().await);

    add_item(&mut b, "first-item", heading, ("Television", "Living room", "1", "899.99")).await;
    add_item(&mut b, "second-item", heading, ("Dining chair", "Kitchen", "4", "75.50")).await;

    let rooms = b
        .script("return Array.from(document.querySelectorAll('.room-head'), h => h.innerText.replace(/\\s+/g, ' ').trim());")
        .await;
    let mut rooms: Vec<String> = rooms.as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
    rooms.sort();
    assert_eq!(rooms, ["Kitchen $302.00", "Living room $899.99"], "room totals");
    let total = b.find(".claim-total").await.text().await.unwrap();
    assert!(total.contains("$1,201.99"), "{total}");

    b.choose("Submit inventory for review").await;
    b.page("submitted", heading).await;
    let text = b.text().await;
    assert!(text.contains("The inventory was submitted"), "{text}");
    assert!(text.contains("read-only"), "{text}");
    let editable = b
        .script(
            "return document.querySelectorAll('#description, form[action$=\"/items\"], .item-actions').length \
             + Array.from(document.querySelectorAll('button')).filter(x => /Submit inventory/.test(x.textContent)).length;",
        )
        .await;
    assert_eq!(editable, 0, "the submitted inventory can still be changed:\n{text}");
    assert!(text.contains("$1,201.99") && text.contains("Television") && text.contains("Dining chair"), "{text}");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 3. Fifty items with photos, exported and submitted; the adjuster reviews and reopens.

fn photo_jpeg(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([shade, (x % 200) as u8, (y % 200) as u8]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

fn photo_png(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder as _;
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, 120, (y % 256) as u8]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The spreadsheet a policyholder might keep: 48 rows over five rooms.
fn inventory_csv() -> (String, i64) {
    let rooms = ["Kitchen", "Living room", "Bedroom", "Garage", "Office"];
    let mut csv = String::from(
        "room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes\r\n",
    );
    let mut total = 0;
    for n in 0..48i64 {
        let cents = 1_000 + n * 1_337;
        let quantity = 1 + n % 3;
        total += cents * quantity;
        csv.push_str(&format!(
            "{},Item {n:02},Acme,M-{n},{quantity},{},{},good,{}.{:02},{},Household,\r\n",
            rooms[(n % 5) as usize],
            n % 9,
            n % 12,
            cents / 100,
            cents % 100,
            if n % 10 == 0 { "yes" } else { "no" },
        ));
    }
    (csv, total)
}

/// Someone signs in again a 30-second step later, verifies with the app `(email, secret)` and
/// opens claim CL-2026-0050 from the claims list titled `list`; page names start with `who`.
async fn back_to_the_claim(
    app: &TestApp,
    b: &mut Browser,
    who: &str,
    (email, secret): (&str, &str),
    list: &str,
    heading: &str,
) {
    app.clock.advance(time::Duration::seconds(31));
    sign_in(b, &format!("{who}-sign-in"), email).await;
    verify_with_app(app, b, &format!("{who}-verify"), secret).await;
    b.page(&format!("{who}-home"), "Welcome").await;
    b.goto("/claims").await;
    b.page(&format!("{who}-claims"), list).await;
    b.choose("CL-2026-0050").await;
    b.page(&format!("{who}-claim"), heading).await;
}

/// After the password: the authenticator app's code (the only method, or chosen among several).
async fn verify_with_app(app: &TestApp, b: &mut Browser, name: &str, secret: &str) {
    b.page(name, "Verify it is you").await;
    if b.script("return document.querySelector('#code') === null;").await == true {
        b.find("input[name=method][value=totp]").await.click().await.unwrap();
        b.choose("Use this method").await;
        b.page(&format!("{name}-app"), "Verify it is you").await;
    }
    b.fill("#code", &app.oathtool_code(secret)).await;
    b.choose("Verify code").await;
}

#[tokio::test]
async fn a_fifty_item_inventory_with_photos_is_built_exported_submitted_reviewed_and_reopened() {
    // MFA in force since New Year; Ann's account is recent, so she sets it up at first sign-in.
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::mfa_from(date!(2026 - 01 - 01))).await;
    app.create_user(ANN, Role::Policyholder).await;
    let ada_secret = adjuster_opens_a_claim(&app, "CL-2026-0050").await;
    let files = tempfile::tempdir().unwrap();
    let (csv, imported_cents) = inventory_csv();
    let csv_path = files.path().join("my-inventory.csv");
    std::fs::write(&csv_path, &csv).unwrap();
    let tv_photo = files.path().join("television.jpg");
    std::fs::write(&tv_photo, photo_jpeg(1200, 900, 40)).unwrap();
    let label_photo = files.path().join("serial-label.png");
    std::fs::write(&label_photo, photo_png(400, 300)).unwrap();
    let receipt = files.path().join("receipt.pdf");
    std::fs::write(&receipt, b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
        .unwrap();

    let mut b = Browser::start(&app.base_url, "13-fifty-items-with-photos", Js::Enabled).await;
    b.goto("/login").await;
    sign_in(&mut b, "sign-in", ANN).await;
    b.page("add-a-method", "Add a verification method").await;
    let ann_secret = enroll_app(&app, &mut b).await;
    b.goto("/claims").await;
    b.page("claims", "Your claims").await;
    b.choose("CL-2026-0050").await;
    let heading = "Claim CL-2026-0050";
    b.page("claim-empty", heading).await;

    // The spreadsheet: checked first (nothing saved), then imported.
    b.choose("Import items from a spreadsheet (CSV)").await;
    b.page("import", "Import items from a spreadsheet").await;
    b.find("#file").await.send_keys(csv_path.to_str().unwrap()).await.unwrap();
    b.choose("Check file").await;
    b.page("import-preview", "Import items from a spreadsheet").await;
    let preview = b.text().await;
    assert!(preview.contains("48 items") && preview.contains("Item 47"), "{preview}");
    b.choose("Import 48 items").await;
    b.page("imported", heading).await;
    assert!(b.text().await.contains("The items from your file were added."));

    // Two more by hand, the second with its photos and receipt.
    add_item(&mut b, "item-49", heading, ("Area rug", "Living room", "1", "450.00")).await;
    add_item(&mut b, "item-50", heading, ("Television", "Living room", "1", "899.99")).await;
    let tv_row = b
        .script(
            "const row = Array.from(document.querySelectorAll('.items-table tr')).find(r => r.textContent.includes('Television')); \
             return row.querySelector('a[href$=\"#attachments\"]').getAttribute('href');",
        )
        .await;
    b.goto(tv_row.as_str().unwrap()).await;
    b.page("item-photos", "Edit item").await;
    for (n, file) in [&tv_photo, &label_photo, &receipt].into_iter().enumerate() {
        b.find("#file").await.send_keys(file.to_str().unwrap()).await.unwrap();
        b.choose("Attach file").await;
        b.page(&format!("attached-{n}"), "Edit item").await;
        assert!(b.text().await.contains("The file was attached."));
    }
    let listed = b.text().await;
    assert!(listed.contains("television.jpg") && listed.contains("serial-label.png") && listed.contains("receipt.pdf"));
    b.choose("← Claim CL-2026-0050").await;
    b.page("claim-fifty", heading).await;
    let text = b.text().await;
    let total_cents = imported_cents + 45_000 + 89_999;
    let total = format!("${},{:03}.{:02}", total_cents / 100_000, (total_cents / 100) % 1000, total_cents % 100);
    assert!(text.contains(&total) && text.contains("50 items"), "expected {total} for 50 items:\n{text}");
    let rooms = b.script("return document.querySelectorAll('.room-group').length;").await;
    assert_eq!(rooms, 5);

    // The CSV download holds all fifty.
    let exported =
        b.script("return fetch(document.querySelector('a[href$=\"export.csv\"]').href).then(r => r.text());").await;
    let exported = exported.as_str().unwrap();
    assert_eq!(exported.lines().count(), 51, "header + 50 rows:\n{exported}");
    assert!(exported.contains("Television") && exported.contains("Item 00"));

    b.choose("Submit inventory for review").await;
    b.page("submitted", heading).await;
    assert!(b.text().await.contains("read-only"));
    b.choose("Sign out").await;

    // The adjuster, in the same browser: his app's code (a later 30-second step than the one he
    // used to set it up), the claim, every photo loaded.
    back_to_the_claim(&app, &mut b, "adjuster", (ADA, &ada_secret), "Claims", heading).await;
    assert!(b.text().await.contains(&total));
    let thumbs = b
        .script(
            // Lazy images load as a person scrolls to them.
            "return Promise.all(Array.from(document.querySelectorAll('img.thumb-small'), \
             i => { i.scrollIntoView(); return i.decode().then(() => i.naturalWidth); }));",
        )
        .await;
    assert_eq!(thumbs, json!([320, 320]), "both photo thumbnails load, 320 px wide");
    b.choose("Start review").await;
    b.page("review-started", heading).await;
    let comment_box = b
        .script(
            "const row = Array.from(document.querySelectorAll('.items-table tr')).find(r => r.textContent.includes('Area rug')); \
             return '#' + row.querySelector('textarea').id;",
        )
        .await;
    b.fill(comment_box.as_str().unwrap(), "Please add a photo of the rug").await;
    b.script(
        "const row = Array.from(document.querySelectorAll('.items-table tr')).find(r => r.textContent.includes('Area rug')); \
         row.querySelector('button').click(); return true;",
    )
    .await;
    b.page("commented", heading).await;
    b.fill("#message", "Two items need photos; see my comments.").await;
    b.choose("Reopen inventory").await;
    b.page("reopened", heading).await;
    assert!(b.text().await.contains("The inventory was reopened"));
    b.choose("Sign out").await;

    // Ann reads the message and can edit again.
    back_to_the_claim(&app, &mut b, "ann", (ANN, &ann_secret), "Your claims", heading).await;
    let text = b.text().await;
    assert!(text.contains("Two items need photos; see my comments."), "{text}");
    assert!(text.contains("Please add a photo of the rug"), "{text}");
    assert!(text.contains("Add an item"), "editable again:\n{text}");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 4. In Spanish: a policyholder who opens the portal from a Spanish link builds and submits her
//    inventory, and a support agent reading Spanish opens the enrollment report and its chart.
//    The words come from the Spanish message files, so the journey follows the translation.

fn es(id: &str) -> String {
    portal_core::language::Language::Spanish.text(id)
}

fn es_with(id: &str, name: &'static str, value: &str) -> String {
    portal_core::language::Language::Spanish.text_with(id, &[(name, value.into())])
}

async fn page_language(b: &Browser) -> String {
    b.script("return document.documentElement.lang;").await.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn in_spanish_a_policyholder_submits_her_inventory_and_support_reads_the_enrollment_chart() {
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::default()).await;
    app.create_user(ANN, Role::Policyholder).await;
    adjuster_opens_a_claim(&app, "CL-2026-0077").await;
    let mut b = Browser::start(&app.base_url, "14-spanish-inventory-and-report", Js::Enabled).await;

    // A link with ?lang=es, as a Spanish email would carry.
    b.goto("/login?lang=es").await;
    b.page("sign-in", &es("login-title")).await;
    assert_eq!(page_language(&b).await, "es");
    b.fill("#email", ANN).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose(&es("login-submit")).await;
    b.page("home", &es_with("home-welcome", "name", "ann")).await;

    b.goto("/claims").await;
    b.page("claims", &es("claim-list-your-title")).await;
    b.choose("CL-2026-0077").await;
    let heading = es_with("claim-title", "number", "CL-2026-0077");
    b.page("claim", &heading).await;
    assert!(b.text().await.contains("14 de febrero de 2026"), "the loss date in Spanish:\n{}", b.text().await);

    for (n, (description, room, quantity, cost)) in
        [("Televisor", "Sala", "1", "899.99"), ("Silla de comedor", "Cocina", "4", "75.50")].into_iter().enumerate()
    {
        b.fill("#description", description).await;
        b.fill("#room", room).await;
        b.fill("#quantity", quantity).await;
        b.fill("#replacement_cost", cost).await;
        b.choose(&es("claim-add-item")).await;
        b.page(&format!("item-{}", n + 1), &heading).await;
        let text = b.text().await;
        assert!(text.contains(&es("claim-done-added")) && text.contains(description), "{text}");
    }
    let total = b.find(".claim-total").await.text().await.unwrap();
    assert!(total.contains("$1,201.99"), "money as US Spanish writes it: {total}");

    b.choose(&es("claim-submit")).await;
    b.page("submitted", &heading).await;
    let text = b.text().await;
    assert!(text.contains(&es("claim-done-submitted")), "{text}");
    b.choose(&es("layout-sign-out")).await;
    b.page("signed-out", &es("login-title")).await;

    // A support agent on the same browser: the page stays Spanish; staff set up a method first.
    app.create_user(SAM, Role::Support).await;
    b.fill("#email", SAM).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose(&es("login-submit")).await;
    b.page("agent-add-a-method", &es("mfa-choose-title")).await;
    b.choose(&es("mfa-method-label-totp")).await;
    b.page("agent-authenticator-app", &es("mfa-method-label-totp")).await;
    b.choose(&es("mfa-app-trouble")).await;
    let secret = b.find("#totp-secret").await.attr("data-copy").await.unwrap().expect("data-copy on #totp-secret");
    b.fill("#code", &app.oathtool_code(&secret.to_ascii_uppercase())).await;
    b.choose(&es("mfa-app-continue")).await;
    b.page("agent-home", &es_with("home-welcome", "name", "sam.support")).await;

    b.choose(&es("layout-support-console")).await;
    b.page("console-users", &es("console-users-title")).await;
    b.choose(&es("console-nav-report")).await;
    b.page("enrollment-report", &es("console-report-heading")).await;
    let drawn = b
        .script(
            "const svg = document.querySelector('.enrollment-chart svg'); \
             return svg ? [svg.querySelectorAll('path, polyline, line').length, svg.textContent] : null;",
        )
        .await;
    assert!(drawn.is_array(), "no chart on the report page");
    assert!(drawn[0].as_u64().unwrap() > 3, "the chart has lines: {drawn}");
    let labels = drawn[1].as_str().unwrap();
    assert!(!labels.contains("Enrolled") && !labels.contains("today"), "the chart's words are Spanish: {labels}");
    b.same_page("enrollment-chart", ".enrollment-chart").await;
    b.finish().await;
}
