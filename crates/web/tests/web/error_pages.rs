//! Error pages carry the portal's configured name and support address, wherever the error
//! comes from: the fallback, an extractor's rejection, the cross-site wall, or a handler.

use portal_core::PortalSettings;
use portal_testkit::reqwest::{StatusCode, header};
use portal_testkit::{AppOptions, TestApp, backends};

#[tokio::test]
async fn error_pages_show_the_configured_portal_name() {
    let default_name = PortalSettings::default().portal_name;
    for backend in backends() {
        let mut options = AppOptions::default();
        options.settings.portal_name = "Acme Contents Claims".into();
        options.settings.support_email = "help@acme.example".into();
        let app = TestApp::spawn_with(backend, options).await;
        let c = app.client();

        let not_found = c.get(app.url("/no-such-page")).send().await.unwrap();
        let cross_site = c
            .post(app.url("/login"))
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("email=a%40example.com")
            .send()
            .await
            .unwrap();
        let not_a_form =
            c.post(app.url("/login")).header(header::CONTENT_TYPE, "text/plain").body("x").send().await.unwrap();

        for (response, status, title) in [
            (not_found, StatusCode::NOT_FOUND, "Page not found"),
            (cross_site, StatusCode::FORBIDDEN, "Request refused"),
            (not_a_form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Form not understood"),
        ] {
            assert_eq!(response.status(), status);
            assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
            assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
            let html = response.text().await.unwrap();
            assert!(html.contains(title), "{html}");
            assert!(html.contains(&format!("<title>{title} · Acme Contents Claims</title>")), "{html}");
            assert!(html.contains("help@acme.example"), "{html}");
            assert!(!html.contains(&default_name), "{html}");
        }
    }
}
