//! Deadline reminders, on every backend: policyholders without a second factor are emailed 14,
//! 7 and 1 days before their deadline and the day after support sets one, each reminder once
//! even when instances race to send them; those who set MFA up, and staff, hear nothing.

use portal_core::RequestContext;
use portal_core::audit::{AuditFilter, action};
use portal_core::console::{ConsoleAction, SupportActor};
use portal_core::language::Language;
use portal_core::user::Role;
use portal_testkit::{AppOptions, TestApp, burst};
use time::macros::{date, datetime};

use crate::common::*;

const BO: &str = "bo@example.com";
const CY: &str = "cy@example.com";

/// Reminder emails in the outbox so far, as (to, subject).
fn reminders(app: &TestApp) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = app
        .mails()
        .iter()
        .filter(|m| m["subject"].as_str().is_some_and(|s| s.starts_with("Set up sign-in verification")))
        .map(|m| (m["to"].as_str().unwrap().to_owned(), m["subject"].as_str().unwrap().to_owned()))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn reminders_go_out_14_7_and_1_days_before_once_each_even_from_racing_instances() {
    each_backend(|backend| async move {
        // Switched on January 18 with 45 days: the deadline is March 4, 2026, so the last day
        // to set MFA up is March 3. Fourteen days before is February 18.
        let mut options = AppOptions::mfa_from(date!(2026 - 01 - 18));
        options.start = datetime!(2026-02-18 15:00 UTC);
        let app = TestApp::spawn_with(backend, options).await;
        let long_ago = Some(datetime!(2025-06-01 12:00 UTC));
        for email in [ANN, BO, CY] {
            app.create_user_at(email, Role::Policyholder, long_ago).await;
        }
        app.create_user_at("ada@example.com", Role::Adjuster, long_ago).await;
        enroll_totp(&app, &app.client(), CY).await;
        let second = app.portal.with_store(app.db.reopen().await);

        // A dry run lists them and sends nothing.
        let ctx = RequestContext::cli();
        let would = app.portal.send_deadline_reminders(true, &ctx).await.unwrap();
        let mut listed: Vec<String> = would.iter().map(|r| r.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed,
            [
                "ann@example.com: 14 days before the deadline of 2026-03-04",
                "bo@example.com: 14 days before the deadline of 2026-03-04"
            ]
        );
        assert!(reminders(&app).is_empty());

        // Eight runs at once on two instances: each reminder goes out once.
        let run_everywhere = |app: &TestApp| {
            let portals = [app.portal.clone(), second.clone()];
            burst(8, move |i| {
                let portal = portals[i % 2].clone();
                async move { portal.send_deadline_reminders(false, &RequestContext::scheduled()).await.unwrap().len() }
            })
        };
        let sent: usize = run_everywhere(&app).await.into_iter().sum();
        assert_eq!(sent, 2);
        let subject = "Set up sign-in verification by March 3, 2026 — Inventory Portal";
        assert_eq!(reminders(&app), [(ANN.to_owned(), subject.to_owned()), (BO.to_owned(), subject.to_owned())]);
        let mail = app.mails().into_iter().find(|m| m["to"] == ANN && m["subject"] == subject).unwrap();
        let body = mail["body"].as_str().unwrap();
        assert!(body.contains("by the end of March 3, 2026 (UTC time). You have 14 days left."), "{body}");
        assert!(body.contains(&format!("{}/login", app.base_url)), "{body}");
        assert!(body.contains("From March 4, 2026 you can no longer sign in"), "{body}");
        // The same day again: nothing new.
        assert_eq!(run_everywhere(&app).await.into_iter().sum::<usize>(), 0);

        // Seven days before, one day before; then nothing on the deadline itself.
        for (day, expected) in [
            (datetime!(2026-02-25 08:00 UTC), 4),
            (datetime!(2026-02-26 08:00 UTC), 4),
            (datetime!(2026-03-03 08:00 UTC), 6),
            (datetime!(2026-03-04 08:00 UTC), 6),
        ] {
            app.settle().await;
            app.clock.set(day);
            run_everywhere(&app).await;
            assert_eq!(reminders(&app).len(), expected, "on {day}");
        }
        let audited = app
            .portal
            .store()
            .audit_events(&AuditFilter {
                action: Some(action::MFA_REMINDER_SENT.into()),
                limit: 100,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(audited.len(), 6, "one audit row per reminder");
        assert!(audited.iter().all(|e| e.event.details["reminder"].is_string() && e.event.subject.is_some()));

        // Past the deadline, support gives Bo ten more days: the extension email says so that
        // day, and a reminder follows the next day.
        let bo = app.portal.support_view(&portal_core::email::Email::parse(BO).unwrap()).await.unwrap().unwrap();
        app.portal
            .support_act(
                SupportActor::Operator { login: "ops" },
                &bo.user.id,
                ConsoleAction::ExtendDeadline { days: 10 },
                "",
                None,
                &ctx,
            )
            .await
            .unwrap();
        run_everywhere(&app).await;
        assert_eq!(reminders(&app).len(), 6, "not on the day of the extension");
        app.clock.set(datetime!(2026-03-05 08:00 UTC));
        run_everywhere(&app).await;
        let last = reminders(&app);
        assert_eq!(last.len(), 7);
        assert!(
            last.contains(&(
                BO.to_owned(),
                "Set up sign-in verification by March 13, 2026 — Inventory Portal".to_owned()
            ))
        );
    })
    .await;
}

#[tokio::test]
async fn each_policyholder_is_reminded_in_the_language_they_chose() {
    each_backend(|backend| async move {
        // Switched on January 18: the deadline is March 4, 2026; February 25 is seven days before.
        let mut options = AppOptions::mfa_from(date!(2026 - 01 - 18));
        options.start = datetime!(2026-02-25 15:00 UTC);
        let app = TestApp::spawn_with(backend, options).await;
        let long_ago = Some(datetime!(2025-06-01 12:00 UTC));
        let ann = app.create_user_at(ANN, Role::Policyholder, long_ago).await;
        app.create_user_at(BO, Role::Policyholder, long_ago).await;
        app.portal.store().set_language(&ann.id, Language::Spanish, false).await.unwrap();

        let ctx = RequestContext::scheduled();
        assert_eq!(app.portal.send_deadline_reminders(false, &ctx).await.unwrap().len(), 2);
        let mail_to = |app: &TestApp, to: &str| {
            app.mails().into_iter().rev().find(|m| m["to"] == to).unwrap_or_else(|| panic!("no mail to {to}"))
        };
        let portal = app.portal.settings().portal_name.clone();

        let spanish = mail_to(&app, ANN);
        assert_eq!(
            spanish["subject"],
            format!("Configure la verificación de inicio de sesión a más tardar el 3 de marzo de 2026 — {portal}")
        );
        let body = spanish["body"].as_str().unwrap();
        assert!(body.starts_with("Hola, ann:\n\n"), "{body}");
        assert!(body.contains("al final del 3 de marzo de 2026 (hora de UTC). Le quedan 7 días."), "{body}");
        assert!(body.contains(&format!("Inicie sesión en {}/login", app.base_url)), "{body}");
        assert!(body.contains("A partir del 4 de marzo de 2026, ya no podrá iniciar sesión"), "{body}");

        let english = mail_to(&app, BO);
        assert_eq!(english["subject"], format!("Set up sign-in verification by March 3, 2026 — {portal}"));
        let body = english["body"].as_str().unwrap();
        assert!(body.starts_with("Hello bo,\n\n"), "{body}");
        assert!(body.contains("by the end of March 3, 2026 (UTC time). You have 7 days left."), "{body}");

        // Support gives Ann ten more days: the reminder the day after is in Spanish too.
        app.portal
            .support_act(
                SupportActor::Operator { login: "ops" },
                &ann.id,
                ConsoleAction::ExtendDeadline { days: 10 },
                "",
                None,
                &RequestContext::cli(),
            )
            .await
            .unwrap();
        app.settle().await;
        app.clock.set(datetime!(2026-02-26 08:00 UTC));
        app.portal.send_deadline_reminders(false, &ctx).await.unwrap();
        let after = mail_to(&app, ANN);
        assert_eq!(
            after["subject"],
            format!("Configure la verificación de inicio de sesión a más tardar el 6 de marzo de 2026 — {portal}")
        );
        assert!(after["body"].as_str().unwrap().contains("Soporte fijó esta fecha para usted."), "{after}");
    })
    .await;
}
