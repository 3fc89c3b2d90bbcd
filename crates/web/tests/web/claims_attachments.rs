//! Photos and receipts on inventory items, on every backend: what a file is comes from
//! its bytes; damaged, oversized and surplus files are refused and leave nothing behind; files
//! follow the inventory's rules (read-only once submitted, gone with their item); and nobody
//! who may not see the claim reaches a file, whatever id they try. Then the same through the
//! item page's plain form, and the CSV import page's check-then-import.

use crate::common::*;
use image::{ImageEncoder, Rgb, RgbImage};
use portal_core::audit::AuditFilter;
use portal_core::clock::Clock as _;
use portal_testkit::reqwest::multipart::{Form, Part};
use portal_testkit::reqwest::{Client, StatusCode, header};
use portal_testkit::{AppOptions, TestApp, csrf_from, each_store};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 251) as u8, 90, (y % 241) as u8]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([30, (x % 256) as u8, (y % 256) as u8]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

async fn upload(app: &TestApp, c: &Client, claim: &str, item: &str, name: &str, ty: &str, bytes: Vec<u8>) -> Answer {
    let r = c
        .post(app.url(&format!("/api/v1/claims/{claim}/items/{item}/attachments?file_name={name}")))
        .header(header::CONTENT_TYPE, ty)
        .body(bytes)
        .send()
        .await
        .unwrap();
    answer(r).await
}

async fn fetch(app: &TestApp, c: &Client, path: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status(), r.headers().clone(), r.bytes().await.unwrap().to_vec())
}

async fn first_item(app: &TestApp, ann: &Client, claim: &str) -> String {
    let v = add(app, ann, claim, item("Television", "Living room", 1, 89_900)).await;
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn photos_and_receipts_attach_to_an_item_and_come_back_byte_for_byte_with_thumbnails() {
    each_store(|backend, files| async move {
        let app = TestApp::spawn_with(backend, AppOptions { files, ..AppOptions::default() }).await;
        let (ann, ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;

        let photo = jpeg(1600, 1200);
        let a =
            upload(&app, &ann, &claim, &tv, "IMG_0001.JPG", "image/jpeg", photo.clone()).await.ok(StatusCode::CREATED);
        assert_eq!(a["kind"], "jpeg");
        assert_eq!(a["file_name"], "IMG_0001.JPG");
        assert_eq!(a["size_bytes"], photo.len());
        let (status, headers, bytes) = fetch(&app, &ada, a["url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, photo, "the adjuster gets exactly what was uploaded");
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline"));
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "default-src 'none'; sandbox");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let (status, headers, thumb) = fetch(&app, &ann, a["thumbnail_url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        let small = image::load_from_memory(&thumb).unwrap();
        assert_eq!((small.width(), small.height()), (320, 240), "a small copy, same shape");
        assert!(thumb.len() < photo.len() / 4);

        // A PNG sent as image/jpeg is stored as the PNG it is.
        let p = upload(&app, &ann, &claim, &tv, "label.jpg", "image/jpeg", png(300, 200)).await.ok(StatusCode::CREATED);
        assert_eq!(p["kind"], "png");
        let (_, headers, _) = fetch(&app, &ann, p["url"].as_str().unwrap()).await;
        assert_eq!(headers[header::CONTENT_TYPE], "image/png");

        // A receipt: downloaded, never shown inside the portal, no thumbnail.
        let r = upload(&app, &ann, &claim, &tv, "receipt%20TV.pdf", "application/pdf", PDF.to_vec())
            .await
            .ok(StatusCode::CREATED);
        assert_eq!(r["file_name"], "receipt TV.pdf");
        assert!(r["thumbnail_url"].is_null());
        let (_, headers, bytes) = fetch(&app, &ada, r["url"].as_str().unwrap()).await;
        assert_eq!(bytes, PDF);
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
        assert_eq!(headers[header::CONTENT_DISPOSITION], "attachment; filename*=UTF-8''receipt%20TV%2Epdf");

        let view = get_claim(&app, &ada, &claim).await;
        let listed: Vec<&str> = view["items"][0]["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["file_name"].as_str().unwrap())
            .collect();
        assert_eq!(listed, ["IMG_0001.JPG", "label.jpg", "receipt TV.pdf"], "in upload order");
        assert_eq!(app.stored_files().await.len(), 5, "three files and two thumbnails: {:?}", app.stored_files().await);

        let events =
            app.portal.store().audit_events(&AuditFilter { limit: 100, ..AuditFilter::default() }).await.unwrap();
        let added: Vec<_> = events.iter().filter(|e| e.event.action == "claim.attachment_added").collect();
        assert_eq!(added.len(), 3);
        assert!(added.iter().all(|e| e.event.details["sha256"].as_str().is_some_and(|h| h.len() == 64)));
    })
    .await;
}

/// Sets a stored file's modification time, as if it had been written at `at`.
fn written_at(path: &std::path::Path, at: time::OffsetDateTime) {
    std::fs::OpenOptions::new().write(true).open(path).unwrap().set_modified(at.into()).unwrap();
}

/// In a directory, down to the leftovers of an interrupted write and files' own times.
#[tokio::test]
async fn files_no_record_names_are_swept_after_an_hour_and_attached_files_never() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;
        let photo = jpeg(640, 480);
        let a = upload(&app, &ann, &claim, &tv, "tv.jpg", "image/jpeg", photo.clone()).await.ok(StatusCode::CREATED);
        let kept = a["id"].as_str().unwrap().to_owned();

        // What a crash between writing the files and writing the row leaves: a photo and its
        // thumbnail under an id no record names; half of a file being written; and, more
        // recently, another unrecorded photo that could still be an upload in progress.
        let root = app.attachments_dir();
        let now = app.clock.now();
        let two_hours_ago = now - time::Duration::hours(2);
        let orphan = "0123456789abcdef0123456789abcdef";
        let recent = "fedcba9876543210fedcba9876543210";
        let dir = root.join(&claim);
        for (name, at) in [
            (format!("{orphan}.jpg"), two_hours_ago),
            (format!("{orphan}-thumb.jpg"), two_hours_ago),
            (".upload-Q7xk2P".to_owned(), two_hours_ago),
            (format!("{recent}.jpg"), now - time::Duration::minutes(10)),
            // Not a name the portal makes: somebody else's file stays, however old.
            ("notes.txt".to_owned(), now - time::Duration::days(30)),
        ] {
            std::fs::write(dir.join(&name), &photo).unwrap();
            written_at(&dir.join(&name), at);
        }
        // The real attachment's files are old too: being old never gets a recorded file removed.
        for name in [format!("{kept}.jpg"), format!("{kept}-thumb.jpg")] {
            written_at(&dir.join(name), now - time::Duration::days(400));
        }

        let sweep = app.portal.sweep_unreferenced_files().await.unwrap();
        assert_eq!((sweep.unreferenced, sweep.partial), (2, 1));
        let mut left: Vec<String> = app
            .stored_files()
            .await
            .into_iter()
            .map(|f| f.trim_start_matches(&format!("{claim}/")).to_owned())
            .collect();
        left.sort();
        let mut expected =
            vec![format!("{kept}-thumb.jpg"), format!("{kept}.jpg"), format!("{recent}.jpg"), "notes.txt".into()];
        expected.sort();
        assert_eq!(left, expected);
        let (status, _, bytes) = fetch(&app, &ada, a["url"].as_str().unwrap()).await;
        assert_eq!((status, bytes), (StatusCode::OK, photo.clone()), "the attached photo is untouched");
        let (status, _, _) = fetch(&app, &ann, a["thumbnail_url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);

        // Files under a claim this database does not hold are not the portal's to judge (another
        // database's directory, mounted by mistake): they stay.
        let elsewhere = root.join("00000000000000000000000000000000");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join(format!("{orphan}.jpg")), &photo).unwrap();
        written_at(&elsewhere.join(format!("{orphan}.jpg")), now - time::Duration::days(30));

        // An hour on, the unrecorded photo is no upload in progress any more.
        app.clock.advance(time::Duration::hours(1));
        let sweep = app.portal.sweep_unreferenced_files().await.unwrap();
        assert_eq!((sweep.unreferenced, sweep.partial), (1, 0));
        assert!(!dir.join(format!("{recent}.jpg")).exists());
        assert!(dir.join(format!("{kept}.jpg")).exists() && dir.join("notes.txt").exists());
        assert!(elsewhere.join(format!("{orphan}.jpg")).exists());
    })
    .await;
}

#[tokio::test]
async fn on_every_file_store_unrecorded_files_are_swept_after_an_hour_and_recorded_files_never() {
    each_store(|backend, files| async move {
        // Object storage stamps each file with its own clock, so the portal's starts at the
        // real time here rather than at the tests' usual date.
        let options = AppOptions { files, start: portal_core::clock::SystemClock.now(), ..AppOptions::default() };
        let app = TestApp::spawn_with(backend, options).await;
        let (ann, _ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;
        let photo = jpeg(640, 480);
        let a = upload(&app, &ann, &claim, &tv, "tv.jpg", "image/jpeg", photo.clone()).await.ok(StatusCode::CREATED);
        let kept = a["id"].as_str().unwrap().to_owned();

        // What a crash between writing the files and writing the row leaves, and a file under
        // a claim this database does not hold (not the portal's to judge).
        let orphan = "0123456789abcdef0123456789abcdef";
        let stranger = format!("00000000000000000000000000000000/{orphan}.jpg");
        for key in [format!("{claim}/{orphan}.jpg"), format!("{claim}/{orphan}-thumb.jpg"), stranger.clone()] {
            app.files.put(&key, &photo).await.unwrap();
        }
        // Just written, they could be an upload in progress: nothing goes.
        let sweep = app.portal.sweep_unreferenced_files().await.unwrap();
        assert_eq!(sweep.unreferenced, 0);
        assert_eq!(app.stored_files().await.len(), 5, "{:?}", app.stored_files().await);

        app.clock.advance(time::Duration::minutes(61));
        let sweep = app.portal.sweep_unreferenced_files().await.unwrap();
        assert_eq!(sweep.unreferenced, 2);
        let mut expected = vec![format!("{claim}/{kept}.jpg"), format!("{claim}/{kept}-thumb.jpg"), stranger];
        expected.sort();
        assert_eq!(app.stored_files().await, expected);
        let stored = app.files.get(&format!("{claim}/{kept}.jpg")).await.unwrap();
        assert!(stored == Some(photo), "the attached photo is untouched");
    })
    .await;
}

#[tokio::test]
async fn wrong_damaged_oversized_and_surplus_files_are_refused_and_leave_nothing_behind() {
    each_store(|backend, files| async move {
        let app = TestApp::spawn_with(backend, AppOptions { files, ..AppOptions::default() }).await;
        let (ann, _ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;

        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04;".to_vec();
        let a = upload(&app, &ann, &claim, &tv, "x.png", "image/png", gif).await;
        a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        assert_eq!(a.json["error"]["field"], "file");
        assert!(a.text.contains("only JPEG and PNG photos and PDF files"), "{}", a.text);

        let html = b"<html><script>alert(1)</script></html>".to_vec();
        upload(&app, &ann, &claim, &tv, "x.pdf", "application/pdf", html)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
        let cut = png(400, 300);
        let a = upload(&app, &ann, &claim, &tv, "cut.png", "image/png", cut[..cut.len() / 2].to_vec()).await;
        assert!(a.text.contains("damaged or incomplete"), "{}", a.text);
        let a = upload(&app, &ann, &claim, &tv, "half.pdf", "application/pdf", PDF[..40].to_vec()).await;
        assert!(a.text.contains("incomplete or damaged"), "{}", a.text);
        let a = upload(&app, &ann, &claim, &tv, "empty.jpg", "image/jpeg", Vec::new()).await;
        assert!(a.text.contains("empty"), "{}", a.text);
        let a = upload(&app, &ann, &claim, &tv, "notes.txt", "text/plain", b"hello".to_vec()).await;
        a.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
        let mut big = PDF.to_vec();
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let a = upload(&app, &ann, &claim, &tv, "big.pdf", "application/pdf", big).await;
        a.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
        assert!(app.stored_files().await.is_empty(), "{:?}", app.stored_files().await);

        for n in 0..10 {
            upload(&app, &ann, &claim, &tv, &format!("r{n}.pdf"), "application/pdf", PDF.to_vec())
                .await
                .ok(StatusCode::CREATED);
        }
        let a = upload(&app, &ann, &claim, &tv, "r10.pdf", "application/pdf", PDF.to_vec()).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.text.contains("at most 10 attachments"), "{}", a.text);
        assert_eq!(app.stored_files().await.len(), 10);
        assert_eq!(get_claim(&app, &ann, &claim).await["items"][0]["attachments"].as_array().unwrap().len(), 10);
    })
    .await;
}

#[tokio::test]
async fn attachments_follow_the_inventory_rules_and_go_with_their_item() {
    each_store(|backend, files| async move {
        let app = TestApp::spawn_with(backend, AppOptions { files, ..AppOptions::default() }).await;
        let (ann, ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;
        let photo = upload(&app, &ann, &claim, &tv, "tv.jpg", "image/jpeg", jpeg(64, 48)).await.ok(StatusCode::CREATED);
        let photo_url = photo["url"].as_str().unwrap().to_owned();

        // Only the policyholder adds files.
        upload(&app, &ada, &claim, &tv, "x.pdf", "application/pdf", PDF.to_vec())
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");

        call(&app, &ann, "POST", &format!("/api/v1/claims/{claim}/submit"), None).await.ok(StatusCode::OK);
        upload(&app, &ann, &claim, &tv, "late.pdf", "application/pdf", PDF.to_vec())
            .await
            .assert_error(StatusCode::CONFLICT, "claim_locked");
        call(&app, &ann, "DELETE", &photo_url, None).await.assert_error(StatusCode::CONFLICT, "claim_locked");
        assert_eq!(fetch(&app, &ada, &photo_url).await.0, StatusCode::OK, "the adjuster reviews the photo");

        call(
            &app,
            &ada,
            "POST",
            &format!("/api/v1/claims/{claim}/reopen"),
            Some(serde_json::json!({"message": "Add receipts"})),
        )
        .await
        .ok(StatusCode::OK);
        assert_eq!(call(&app, &ann, "DELETE", &photo_url, None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(fetch(&app, &ann, &photo_url).await.0, StatusCode::NOT_FOUND);
        assert!(app.stored_files().await.is_empty(), "file and thumbnail removed: {:?}", app.stored_files().await);

        // Deleting an item takes its files along.
        upload(&app, &ann, &claim, &tv, "a.jpg", "image/jpeg", jpeg(64, 48)).await.ok(StatusCode::CREATED);
        upload(&app, &ann, &claim, &tv, "b.pdf", "application/pdf", PDF.to_vec()).await.ok(StatusCode::CREATED);
        assert_eq!(app.stored_files().await.len(), 3);
        let other = add(&app, &ann, &claim, item("Lamp", "Bedroom", 1, 2_000)).await;
        let lamp = other["id"].as_str().unwrap();
        upload(&app, &ann, &claim, lamp, "lamp.pdf", "application/pdf", PDF.to_vec()).await.ok(StatusCode::CREATED);
        assert_eq!(
            call(&app, &ann, "DELETE", &format!("/api/v1/claims/{claim}/items/{tv}"), None).await.status,
            StatusCode::NO_CONTENT
        );
        let left = app.stored_files().await;
        assert_eq!(left.len(), 1, "only the lamp's receipt is left: {left:?}");
        assert!(left[0].ends_with(".pdf"));
    })
    .await;
}

#[tokio::test]
async fn nobody_reaches_an_attachment_of_a_claim_that_is_not_theirs_by_any_id() {
    each_store(|backend, files| async move {
        let app = TestApp::spawn_with(backend, AppOptions { files, ..AppOptions::default() }).await;
        let (ann, _ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;
        let photo = upload(&app, &ann, &claim, &tv, "tv.jpg", "image/jpeg", jpeg(64, 48)).await.ok(StatusCode::CREATED);
        let photo_id = photo["id"].as_str().unwrap().to_owned();

        let bob = policyholder(&app, "bob@example.com").await;
        let eve = adjuster(&app, "eve.adjuster@example.com").await;
        // Eve's own claim for Bob: swapping Ann's attachment id into a claim Eve and Bob do see.
        let own = open_claim(&app, &eve, "CLM-2002", "bob@example.com").await;
        let bobs_item = add(&app, &bob, &own, item("Chair", "Office", 1, 5_000)).await;
        let bobs_item = bobs_item["id"].as_str().unwrap();

        for who in [&bob, &eve] {
            for path in [
                format!("/api/v1/claims/{claim}/attachments/{photo_id}"),
                format!("/api/v1/claims/{claim}/attachments/{photo_id}?thumbnail=true"),
                format!("/api/v1/claims/{own}/attachments/{photo_id}"),
                format!("/claims/{claim}/attachments/{photo_id}"),
                format!("/claims/{claim}/attachments/{photo_id}/thumbnail"),
                format!("/claims/{own}/attachments/{photo_id}"),
                format!("/api/v1/claims/{claim}/attachments/{}", "0".repeat(32)),
            ] {
                assert_eq!(fetch(&app, who, &path).await.0, StatusCode::NOT_FOUND, "GET {path}");
            }
            call(&app, who, "DELETE", &format!("/api/v1/claims/{claim}/attachments/{photo_id}"), None)
                .await
                .assert_error(StatusCode::NOT_FOUND, "not_found");
            upload(&app, who, &claim, &tv, "x.pdf", "application/pdf", PDF.to_vec())
                .await
                .assert_error(StatusCode::NOT_FOUND, "not_found");
        }
        // Bob cannot move Ann's file into his claim either, nor attach to Ann's item via his claim.
        call(&app, &bob, "DELETE", &format!("/api/v1/claims/{own}/attachments/{photo_id}"), None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        upload(&app, &bob, &own, &tv, "x.pdf", "application/pdf", PDF.to_vec())
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        // Ann, who sees her claim, cannot attach to Bob's item through it.
        upload(&app, &ann, &claim, bobs_item, "x.pdf", "application/pdf", PDF.to_vec())
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        // Nor climb out of the store with an encoded path as the id (the URL keeps the `%2F`, so
        // the handler gets `../../secret.key` as one segment).
        for path in [
            format!("/api/v1/claims/{claim}/attachments/..%2F..%2Fsecret.key"),
            format!("/claims/{claim}/attachments/..%2F..%2Fsecret.key"),
            format!("/claims/{claim}/attachments/..%2F..%2Fsecret.key/thumbnail"),
        ] {
            assert_eq!(fetch(&app, &ann, &path).await.0, StatusCode::NOT_FOUND, "GET {path}");
        }

        let anonymous = app.client();
        let a = call(&app, &anonymous, "GET", &format!("/api/v1/claims/{claim}/attachments/{photo_id}"), None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let r = anonymous.get(app.url(&format!("/claims/{claim}/attachments/{photo_id}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "pages send strangers to sign in");
        assert_eq!(fetch(&app, &ann, &format!("/claims/{claim}/attachments/{photo_id}")).await.0, StatusCode::OK);
    })
    .await;
}

async fn page(app: &TestApp, c: &Client, path: &str) -> (StatusCode, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn multipart(app: &TestApp, c: &Client, path: &str, form: Form) -> (StatusCode, String, String) {
    let r = c.post(app.url(path)).multipart(form).send().await.unwrap();
    let location = r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status(), location, r.text().await.unwrap())
}

fn file_form(csrf: &str, name: &str, bytes: Vec<u8>) -> Form {
    Form::new().text("csrf", csrf.to_owned()).part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

#[tokio::test]
async fn the_item_page_attaches_photos_with_a_plain_form_and_the_claim_page_shows_them() {
    each_store(|backend, files| async move {
        let app = TestApp::spawn_with(backend, AppOptions { files, ..AppOptions::default() }).await;
        let (ann, ada, claim) = setup(&app).await;
        let tv = first_item(&app, &ann, &claim).await;
        let item_page = format!("/claims/{claim}/items/{tv}");
        let (status, html) = page(&app, &ann, &item_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("No photos or receipts yet."));
        let csrf = csrf_from(&html);
        let target = format!("{item_page}/attachments");

        let (status, location, _) =
            multipart(&app, &ann, &target, file_form(&csrf, "living-room.jpg", jpeg(800, 600))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("{item_page}?done=attached#attachments"));
        let (_, html) = page(&app, &ann, &location).await;
        assert!(html.contains("The file was attached.") && html.contains("living-room.jpg"), "{html}");

        let (status, _, html) = multipart(&app, &ann, &target, file_form(&csrf, "notes.txt", b"hello".to_vec())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("only JPEG and PNG photos and PDF files can be attached") && html.contains("aria-invalid"),
            "{html}"
        );
        let (status, _, html) = multipart(&app, &ann, &target, Form::new().text("csrf", csrf.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Choose a photo or PDF to attach."));
        let mut big = PDF.to_vec();
        big.resize(11 * 1024 * 1024, b' ');
        let (status, _, html) = multipart(&app, &ann, &target, file_form(&csrf, "big.pdf", big)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(html.contains("a file can be at most 10 MiB"), "{html}");
        let (status, _, _) = multipart(&app, &ann, &target, file_form("forged", "x.jpg", jpeg(10, 10))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a form without the session's token is refused");
        let (status, _, _) = multipart(
            &app,
            &ada,
            &target,
            file_form(&csrf_from(&page(&app, &ada, "/claims").await.1), "x.jpg", jpeg(10, 10)),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the adjuster does not change the inventory");
        assert_eq!(app.stored_files().await.len(), 2, "one photo and its thumbnail: {:?}", app.stored_files().await);

        // The adjuster sees the thumbnail on the claim page and opens the photo.
        let (_, html) = page(&app, &ada, &format!("/claims/{claim}")).await;
        let at = html.find("/thumbnail\"").expect("a thumbnail on the claim page");
        let thumb_path = &html[html[..at].rfind("src=\"").unwrap() + 5..at + "/thumbnail".len()];
        let (status, headers, _) = fetch(&app, &ada, thumb_path).await;
        assert_eq!((status, headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "image/jpeg"));

        // Removing it from the item page.
        let (_, html) = page(&app, &ann, &item_page).await;
        let at = html.find("/delete\"").unwrap();
        let delete = &html[html[..at].rfind("action=\"").unwrap() + 8..at + "/delete".len()];
        let r = ann.post(app.url(delete)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(app.stored_files().await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_import_page_shows_every_problem_or_every_row_before_anything_is_saved() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, ada, claim) = setup(&app).await;
        let import = format!("/claims/{claim}/import");
        let (status, html) = page(&app, &ann, &import).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("room,description,brand,model,quantity"), "the page names the columns");
        let csrf = csrf_from(&html);
        let header_row = "room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes";

        let bad = format!("{header_row}\nKitchen,Toaster,,,two,0,0,good,49.99,no,,\nGarage,,,,1,0,0,shiny,10.00,no,,\n");
        let form = file_form(&csrf, "bad.csv", bad.into_bytes()).text("step", "check");
        let (status, _, html) = multipart(&app, &ann, &import, form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("nothing was saved"), "{html}");
        for (line, column) in [("2", "quantity"), ("3", "description"), ("3", "condition")] {
            assert!(
                html.contains(&format!("<td class=\"num\">{line}</td><td><code>{column}</code></td>")),
                "line {line} column {column}: {html}"
            );
        }

        // The first item's note runs over two lines and a blank line follows it: the preview's
        // line numbers are the file's, as an error's would be.
        let rows: String = (1..30).map(|n| format!("Room {},Thing {n},,,1,0,0,good,{n}.50,no,,\n", n % 3)).collect();
        let first = "Room 0,Thing 0,,,1,0,0,good,0.50,no,,\"bought in\nMarch\"\n\n";
        let form =
            file_form(&csrf, "mine.csv", format!("{header_row}\n{first}{rows}").into_bytes()).text("step", "check");
        let (status, _, html) = multipart(&app, &ann, &import, form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Import 30 items") && html.contains("Thing 29"), "{html}");
        for (line, thing) in [(2, "Thing 0"), (5, "Thing 1"), (33, "Thing 29")] {
            assert!(
                html.contains(&format!("<tr><td class=\"num\">{line}</td><td>Room {}</td><td>{thing}</td>", &thing[6..].parse::<u32>().unwrap() % 3)),
                "{thing} on line {line}: {html}"
            );
        }
        assert_eq!(get_claim(&app, &ann, &claim).await["items"].as_array().unwrap().len(), 0, "a check saves nothing");

        let file_b64 = portal_testkit::hidden_input(&html, "file_b64").unwrap();
        let confirm = Form::new()
            .text("csrf", csrf.clone())
            .text("step", "import")
            .text("file_name", "mine.csv")
            .text("file_b64", file_b64);
        let (status, location, _) = multipart(&app, &ann, &import, confirm).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/claims/{claim}?done=imported#items").as_str()));
        let v = get_claim(&app, &ann, &claim).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 30);
        assert_eq!(v["totals"]["total_cents"], (0..30).map(|n| n * 100 + 50).sum::<i64>());

        // Only the policyholder, only while it is a draft.
        assert_eq!(page(&app, &ada, &import).await.0, StatusCode::FORBIDDEN);
        let stranger = policyholder(&app, "mallory@example.com").await;
        assert_eq!(page(&app, &stranger, &import).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

/// From now on this client reads Spanish (`?lang=es` keeps the choice in a cookie).
async fn in_spanish(app: &TestApp, c: &Client) {
    let (_, html) = page(app, c, "/claims?lang=es").await;
    assert!(html.contains(r#"<html lang="es">"#), "{html}");
}

#[tokio::test]
async fn the_item_page_says_in_spanish_why_a_file_is_refused_and_what_was_attached() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, _ada, claim) = setup(&app).await;
        in_spanish(&app, &ann).await;
        let tv = first_item(&app, &ann, &claim).await;
        let item_page = format!("/claims/{claim}/items/{tv}");
        let (status, html) = page(&app, &ann, &item_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("<h1>Editar artículo</h1>") && html.contains("<title>Editar artículo · Reclamo CLM-1001 ·")
        );
        assert!(html.contains("Fotos y recibos") && html.contains("Todavía no hay fotos ni recibos."), "{html}");
        assert!(html.contains("Agregue una foto (JPEG o PNG) o un recibo (PDF), de 10 MiB como máximo"), "{html}");
        assert!(html.contains(">Adjuntar archivo</button>") && html.contains("← Reclamo CLM-1001"), "{html}");
        let csrf = csrf_from(&html);
        let target = format!("{item_page}/attachments");

        let (status, _, html) = multipart(&app, &ann, &target, file_form(&csrf, "notes.txt", b"hello".to_vec())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("solo se pueden adjuntar fotos JPEG y PNG y archivos PDF"), "{html}");
        let (status, _, html) = multipart(&app, &ann, &target, Form::new().text("csrf", csrf.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Elija una foto o un PDF para adjuntar."), "{html}");
        let mut big = PDF.to_vec();
        big.resize(11 * 1024 * 1024, b' ');
        let (status, _, html) = multipart(&app, &ann, &target, file_form(&csrf, "big.pdf", big)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(html.contains("un archivo puede pesar como máximo 10 MiB"), "{html}");

        let (status, location, _) = multipart(&app, &ann, &target, file_form(&csrf, "sala.jpg", jpeg(320, 240))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &location).await;
        assert!(html.contains("Se adjuntó el archivo.") && html.contains("Foto JPEG, "), "{html}");
        assert!(html.contains(">Quitar<span class=\"visually-hidden\"> sala.jpg</span>"), "{html}");

        // A body that is no form of ours: the page the handler builds is Spanish too.
        let r = ann
            .post(app.url(&target))
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body("not multipart at all")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"<html lang="es">"#) && html.contains("No se entendió el formulario"), "{html}");
        assert!(html.contains("Envíe el formulario desde la página del portal."), "{html}");
    })
    .await;
}

#[tokio::test]
async fn the_import_page_names_each_problem_in_spanish_by_the_files_line_and_column() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        let (ann, _ada, claim) = setup(&app).await;
        in_spanish(&app, &ann).await;
        let import = format!("/claims/{claim}/import");
        let (status, html) = page(&app, &ann, &import).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<h1>Importar artículos desde una hoja de cálculo</h1>"), "{html}");
        assert!(html.contains("room,description,brand,model,quantity"), "the columns keep their names");
        assert!(html.contains(&format!(r#"<a href="/claims/{claim}/export.csv">descarga en CSV</a>"#)), "{html}");
        assert!(html.contains(">Revisar el archivo</button>") && html.contains("Archivo CSV (de 1 MiB como máximo)"));
        let csrf = csrf_from(&html);
        let header_row = "room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes";

        let form = Form::new().text("csrf", csrf.clone()).text("step", "check");
        let (status, _, html) = multipart(&app, &ann, &import, form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Elija un archivo CSV para revisar."), "{html}");

        let bad = format!("{header_row}\nKitchen,Toaster,,,two,0,0,good,49.99,no,,\nGarage,,,,1,0,0,shiny,10.00,no,,\n");
        let form = file_form(&csrf, "malo.csv", bad.into_bytes()).text("step", "check");
        let (status, _, html) = multipart(&app, &ann, &import, form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("El archivo tiene 3 problemas; no se guardó nada."), "{html}");
        assert!(html.contains("<caption>Problemas en malo.csv</caption>"), "{html}");
        for (line, column, problem) in [
            ("2", "quantity", "&#34;two&#34; no es un número entero"),
            ("3", "description", "este campo es obligatorio"),
            ("3", "condition", "debe ser uno de estos valores: new, like_new, good, fair, poor"),
        ] {
            let row = format!("<td class=\"num\">{line}</td><td><code>{column}</code></td><td>{problem}</td>");
            assert!(html.contains(&row), "{row}: {html}");
        }

        let good = format!("{header_row}\nKitchen,Toaster,,,2,0,0,good,49.99,no,,\nGarage,Drill,,,1,0,0,good,10.00,no,,\n");
        let form = file_form(&csrf, "mio.csv", good.into_bytes()).text("step", "check");
        let (status, _, html) = multipart(&app, &ann, &import, form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("mio.csv está listo: 2 artículos, $109.98 en total."), "{html}");
        assert!(html.contains(">Importar 2 artículos</button>") && html.contains("Elegir otro archivo"), "{html}");
        let confirm = Form::new()
            .text("csrf", csrf.clone())
            .text("step", "import")
            .text("file_name", "mio.csv")
            .text("file_b64", portal_testkit::hidden_input(&html, "file_b64").unwrap());
        let (status, location, _) = multipart(&app, &ann, &import, confirm).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page(&app, &ann, &location).await;
        assert!(html.contains("Se agregaron los artículos de su archivo.") && html.contains("(2 artículos)"), "{html}");
    })
    .await;
}
