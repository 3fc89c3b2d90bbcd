//! The inventory's storage contract (`ClaimStore`) on every backend: claims with their first
//! history step, items in entry order, the draft-only compare-and-set on every item write,
//! status changes that happen once, and claim numbers that are unique.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // tests fail loudly

use std::sync::Arc;

use portal_core::RequestContext;
use portal_core::audit::{AuditEvent, AuditFilter, Outcome};
use portal_core::email::Email;
use portal_core::inventory::{
    Attachment, AttachmentId, AttachmentKind, Claim, ClaimFilter, ClaimId, ClaimStatus, ItemDraft, ItemFields, ItemId,
    StatusChange,
};
use portal_core::password::PasswordHashString;
use portal_core::random::OsRandom;
use portal_core::store::{Store, StoreError};
use portal_core::user::{DisplayName, Role, User, UserId};
use portal_testkit::{TestDb, backends};
use time::macros::date;
use time::{Duration, OffsetDateTime};

const T0: OffsetDateTime = portal_testkit::TEST_START;

fn user(email: &str, role: Role) -> User {
    User {
        id: UserId::generate(&OsRandom),
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse("Someone").unwrap(),
        role,
        password_hash: PasswordHashString("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        created_at: T0,
        mfa_deadline: None,
        mfa_preferred: None,
        language: None,
        demo: false,
    }
}

fn event(name: &str) -> AuditEvent {
    AuditEvent::new(T0, name, Outcome::Success, &RequestContext::cli()).actor("test")
}

fn claim(number: &str, policyholder: &User, adjuster: &User) -> Claim {
    Claim {
        id: ClaimId::generate(&OsRandom),
        claim_number: number.into(),
        loss_date: date!(2026 - 02 - 01),
        loss_address: "1 Main St".into(),
        status: ClaimStatus::Draft,
        policyholder_id: policyholder.id.clone(),
        adjuster_id: adjuster.id.clone(),
        created_at: T0,
        updated_at: T0,
    }
}

fn fields(description: &str, quantity: i64, cost: i64) -> ItemFields {
    ItemDraft {
        description: description.into(),
        room: "Kitchen".into(),
        quantity,
        replacement_cost_cents: cost,
        ..ItemDraft::default()
    }
    .validate()
    .unwrap()
}

fn attachment(claim: &Claim, item: &ItemId, uploader: &User, name: &str) -> Attachment {
    Attachment {
        id: AttachmentId::generate(&OsRandom),
        claim_id: claim.id.clone(),
        item_id: item.clone(),
        kind: AttachmentKind::Jpeg,
        file_name: name.into(),
        size_bytes: 1234,
        sha256: "ab".repeat(32),
        has_thumbnail: true,
        uploaded_by: uploader.id.clone(),
        created_at: T0,
    }
}

/// Attachments: in upload order, at most `max` per item even when uploads race, only on an item
/// of the claim, only while it is a draft, and gone with their item.
/// A claim byte limit no test reaches.
const ANY_SIZE: i64 = 1 << 40;

async fn check_attachments(store: Arc<dyn Store>) {
    let adjuster = user("adj2@example.com", Role::Adjuster);
    store.insert_user(&adjuster, &event("user.created")).await.unwrap();
    let ann = user("ann2@example.com", Role::Policyholder);
    let c = claim("C-2", &ann, &adjuster);
    store.insert_claim(&c, Some((&ann, &event("user.created"))), "adj2@example.com", &event("x")).await.unwrap();
    let items: Vec<(ItemId, ItemFields)> =
        (0..2).map(|n| (ItemId::generate(&OsRandom), fields(&format!("Item {n}"), 1, 100))).collect();
    assert!(store.insert_items(&c.id, &items, T0, &event("claim.imported")).await.unwrap());

    let first = attachment(&c, &items[0].0, &ann, "a.jpg");
    assert!(store.insert_attachment(&first, 3, ANY_SIZE, &event("claim.attachment_added")).await.unwrap());
    let mut racing = tokio::task::JoinSet::new();
    for n in 0..8 {
        let (store, a) = (store.clone(), attachment(&c, &items[0].0, &ann, &format!("r{n}.jpg")));
        racing.spawn(async move {
            store.insert_attachment(&a, 3, ANY_SIZE, &event("claim.attachment_added")).await.unwrap()
        });
    }
    let results = racing.join_all().await;
    assert_eq!(results.iter().filter(|r| **r).count(), 2, "racing uploads stop at the limit: {results:?}");
    let listed = store.attachments(&c.id).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0], first, "stored as given, first upload first");
    assert_eq!(store.attachment(&c.id, &first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(
        store.attachment(&ClaimId::generate(&OsRandom), &first.id).await.unwrap(),
        None,
        "only in its own claim"
    );

    // An item of another claim, or no item at all, takes nothing.
    let other = claim("C-3", &ann, &adjuster);
    store.insert_claim(&other, None, "adj2@example.com", &event("claim.created")).await.unwrap();
    let elsewhere = (ItemId::generate(&OsRandom), fields("Elsewhere", 1, 100));
    assert!(
        store.insert_items(&other.id, std::slice::from_ref(&elsewhere), T0, &event("claim.imported")).await.unwrap()
    );
    let crossed = attachment(&c, &elsewhere.0, &ann, "crossed.jpg");
    assert!(
        !store.insert_attachment(&crossed, 3, ANY_SIZE, &event("x")).await.unwrap(),
        "the item is in another claim"
    );
    let stranger = attachment(&c, &ItemId::generate(&OsRandom), &ann, "x.jpg");
    assert!(!store.insert_attachment(&stranger, 3, ANY_SIZE, &event("x")).await.unwrap());
    assert!(store.attachments(&other.id).await.unwrap().is_empty());

    // The claim's bytes, counted under the same lock: three files of 1 234 bytes are there, so a
    // fourth fits in exactly 4 × 1 234 and not in a byte less.
    let on_second = attachment(&c, &items[1].0, &ann, "b.jpg");
    assert!(
        !store.insert_attachment(&on_second, 3, 4 * 1234 - 1, &event("x")).await.unwrap(),
        "over the claim's bytes"
    );
    assert!(store.insert_attachment(&on_second, 3, 4 * 1234, &event("claim.attachment_added")).await.unwrap());
    assert!(store.delete_attachment(&c.id, &first.id, T0, &event("claim.attachment_deleted")).await.unwrap());
    assert!(!store.delete_attachment(&c.id, &first.id, T0, &event("x")).await.unwrap(), "deleted once");
    assert!(!store.delete_attachment(&ClaimId::generate(&OsRandom), &on_second.id, T0, &event("x")).await.unwrap());

    // Deleting the first item takes its remaining attachments along.
    assert!(store.delete_item(&c.id, &items[0].0, T0, &event("claim.item_deleted")).await.unwrap());
    assert_eq!(store.attachments(&c.id).await.unwrap(), vec![on_second.clone()]);

    // Submitted: nothing is added or removed.
    let submit = StatusChange {
        at: T0,
        from: Some(ClaimStatus::Draft),
        to: ClaimStatus::Submitted,
        actor: "ann2@example.com".into(),
        message: String::new(),
    };
    assert!(store.change_status(&c.id, &[ClaimStatus::Draft], &submit, &event("claim.status_changed")).await.unwrap());
    let late = attachment(&c, &items[1].0, &ann, "late.jpg");
    assert!(!store.insert_attachment(&late, 3, ANY_SIZE, &event("x")).await.unwrap());
    assert!(!store.delete_attachment(&c.id, &on_second.id, T0, &event("x")).await.unwrap());
    assert_eq!(store.attachments(&c.id).await.unwrap().len(), 1);

    // The file sweep asks which of many ids still have a record: across batches, in any claim.
    let mut asked: Vec<AttachmentId> = (0..1_200).map(|_| AttachmentId::generate(&OsRandom)).collect();
    asked.insert(700, on_second.id.clone());
    asked.push(first.id.clone());
    assert_eq!(store.existing_attachments(&asked).await.unwrap(), vec![on_second.id.clone()]);
    assert!(store.existing_attachments(&[]).await.unwrap().is_empty());
    let refused =
        store.audit_events(&AuditFilter { action: Some("x".into()), ..AuditFilter::default() }).await.unwrap();
    assert_eq!(refused.len(), 1, "only the claim's creation used the \"x\" event; refusals wrote nothing");
}

async fn check(store: &dyn Store) {
    let adjuster = user("adj@example.com", Role::Adjuster);
    store.insert_user(&adjuster, &event("user.created")).await.unwrap();
    let ann = user("ann@example.com", Role::Policyholder);
    let c = claim("C-1", &ann, &adjuster);
    // A new account and its claim arrive together.
    store
        .insert_claim(&c, Some((&ann, &event("user.created"))), "adj@example.com", &event("claim.created"))
        .await
        .unwrap();
    assert!(store.user_by_id(&ann.id).await.unwrap().is_some());

    // A taken claim number writes nothing, not even the new account.
    let bob = user("bob@example.com", Role::Policyholder);
    let dup = claim("C-1", &bob, &adjuster);
    match store
        .insert_claim(&dup, Some((&bob, &event("user.created"))), "adj@example.com", &event("claim.created"))
        .await
    {
        Err(StoreError::Conflict("claim_number")) => {}
        other => panic!("expected a claim-number conflict, got {other:?}"),
    }
    assert!(store.user_by_id(&bob.id).await.unwrap().is_none());

    let items: Vec<(ItemId, ItemFields)> =
        (0..3).map(|n| (ItemId::generate(&OsRandom), fields(&format!("Item {n}"), n + 1, 100))).collect();
    assert!(store.insert_items(&c.id, &items, T0, &event("claim.imported")).await.unwrap());
    let stored = store.items(&c.id).await.unwrap();
    assert_eq!(
        stored.iter().map(|i| i.fields.description.as_str()).collect::<Vec<_>>(),
        ["Item 0", "Item 1", "Item 2"]
    );
    assert_eq!(stored[1].fields, items[1].1);
    let summary = store.claim(&c.id).await.unwrap().unwrap();
    assert_eq!((summary.item_count, summary.total_cents), (3, 600));
    assert_eq!(summary.policyholder_email, "ann@example.com");

    let changed = fields("Item 1 (edited)", 5, 250);
    assert!(store.update_item(&c.id, &items[1].0, &changed, T0, &event("claim.item_updated")).await.unwrap());
    assert!(!store.update_item(&c.id, &ItemId::generate(&OsRandom), &changed, T0, &event("x")).await.unwrap());
    assert!(store.delete_item(&c.id, &items[0].0, T0, &event("claim.item_deleted")).await.unwrap());
    assert_eq!(store.claim(&c.id).await.unwrap().unwrap().total_cents, 5 * 250 + 3 * 100);

    // Submit happens once; afterwards no item write lands.
    let submit = StatusChange {
        at: T0 + Duration::minutes(5),
        from: Some(ClaimStatus::Draft),
        to: ClaimStatus::Submitted,
        actor: "ann@example.com".into(),
        message: String::new(),
    };
    assert!(store.change_status(&c.id, &[ClaimStatus::Draft], &submit, &event("claim.status_changed")).await.unwrap());
    assert!(!store.change_status(&c.id, &[ClaimStatus::Draft], &submit, &event("claim.status_changed")).await.unwrap());
    let more = vec![(ItemId::generate(&OsRandom), fields("Late", 1, 1))];
    assert!(!store.insert_items(&c.id, &more, T0, &event("x")).await.unwrap());
    assert!(!store.update_item(&c.id, &items[1].0, &changed, T0, &event("x")).await.unwrap());
    assert!(!store.delete_item(&c.id, &items[1].0, T0, &event("x")).await.unwrap());
    assert_eq!(store.items(&c.id).await.unwrap().len(), 2);
    assert!(store.set_item_comment(&c.id, &items[1].0, "receipt?", T0, &event("claim.item_commented")).await.unwrap());

    let history = store.status_history(&c.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].from, history[0].to), (None, ClaimStatus::Draft));
    assert_eq!(history[1], submit);

    let mine =
        store.claims(&ClaimFilter { policyholder: Some(ann.id.clone()), ..ClaimFilter::default() }).await.unwrap();
    assert_eq!(mine.len(), 1);
    let drafts = store
        .claims(&ClaimFilter {
            adjuster: Some(adjuster.id.clone()),
            status: Some(ClaimStatus::Draft),
            ..ClaimFilter::default()
        })
        .await
        .unwrap();
    assert!(drafts.is_empty());

    // Refused writes left no audit rows ("x").
    let events = store.audit_events(&AuditFilter { action: Some("x".into()), ..AuditFilter::default() }).await.unwrap();
    assert!(events.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_items_and_status_changes_behave_the_same_on_every_backend() {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let db = TestDb::new(backend).await;
        check(db.store.as_ref()).await;
        check_attachments(db.store.clone()).await;
    }
}

/// Removing the demo: every demo account and every claim one of them takes part in go, in one
/// step with an audit row per account; real accounts and their claims stay.
async fn check_demo_removal(store: &dyn Store) {
    let demo = |email: &str, role| User { demo: true, ..user(email, role) };
    let (demo_holder, demo_adjuster) =
        (demo("demo@example.com", Role::Policyholder), demo("adjuster@example.com", Role::Adjuster));
    let (real_holder, real_adjuster) =
        (user("pat@example.com", Role::Policyholder), user("ria@example.com", Role::Adjuster));
    for u in [&demo_holder, &demo_adjuster, &real_holder, &real_adjuster] {
        store.insert_user(u, &event("user.created")).await.unwrap();
    }
    assert!(store.user_by_id(&demo_holder.id).await.unwrap().unwrap().demo, "the mark is stored");
    assert!(!store.user_by_id(&real_holder.id).await.unwrap().unwrap().demo);

    // Demo with demo, a real adjuster with a demo policyholder, and a real claim.
    let demo_claim = claim("D-1", &demo_holder, &demo_adjuster);
    let mixed = claim("D-2", &demo_holder, &real_adjuster);
    let real = claim("R-1", &real_holder, &real_adjuster);
    for c in [&demo_claim, &mixed, &real] {
        store.insert_claim(c, None, "someone", &event("claim.created")).await.unwrap();
    }
    let item = (ItemId::generate(&OsRandom), fields("Lamp", 1, 100));
    assert!(store.insert_items(&demo_claim.id, std::slice::from_ref(&item), T0, &event("x.item")).await.unwrap());
    let photo = attachment(&demo_claim, &item.0, &demo_holder, "lamp.jpg");
    assert!(store.insert_attachment(&photo, 10, ANY_SIZE, &event("x.attachment")).await.unwrap());
    let real_item = (ItemId::generate(&OsRandom), fields("Chair", 1, 100));
    assert!(store.insert_items(&real.id, std::slice::from_ref(&real_item), T0, &event("x.item")).await.unwrap());

    let removal = store.remove_demo_accounts(&event("user.demo_removed")).await.unwrap();
    let mut emails: Vec<&str> = removal.accounts.iter().map(|a| a.email.as_str()).collect();
    emails.sort_unstable();
    assert_eq!(emails, ["adjuster@example.com", "demo@example.com"]);
    assert_eq!(removal.claims, 2);
    assert_eq!(removal.attachments.iter().map(|a| &a.id).collect::<Vec<_>>(), [&photo.id], "files to delete");

    assert!(store.user_by_id(&demo_holder.id).await.unwrap().is_none());
    assert!(store.user_by_id(&demo_adjuster.id).await.unwrap().is_none());
    assert!(store.claim(&demo_claim.id).await.unwrap().is_none());
    assert!(store.claim(&mixed.id).await.unwrap().is_none(), "a claim with a demo policyholder goes too");
    assert!(store.user_by_id(&real_holder.id).await.unwrap().is_some());
    assert!(store.user_by_id(&real_adjuster.id).await.unwrap().is_some());
    assert_eq!(store.items(&real.id).await.unwrap().len(), 1, "the real claim keeps its items");
    assert!(store.attachments(&demo_claim.id).await.unwrap().is_empty());

    let audited = store
        .audit_events(&AuditFilter { action: Some("user.demo_removed".into()), ..AuditFilter::default() })
        .await
        .unwrap();
    let mut subjects: Vec<(String, i64)> = audited
        .iter()
        .map(|r| (r.event.subject.clone().unwrap(), r.event.details["claims"].as_i64().unwrap()))
        .collect();
    subjects.sort();
    assert_eq!(subjects, [("adjuster@example.com".to_owned(), 1), ("demo@example.com".to_owned(), 2)]);

    // Nothing left to remove: no change, no audit row.
    let again = store.remove_demo_accounts(&event("user.demo_removed")).await.unwrap();
    assert!(again.accounts.is_empty() && again.claims == 0);
    let audited_again = store
        .audit_events(&AuditFilter { action: Some("user.demo_removed".into()), ..AuditFilter::default() })
        .await
        .unwrap();
    assert_eq!(audited_again.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_accounts_are_removed_with_their_claims_and_nothing_else_on_every_backend() {
    for backend in backends() {
        eprintln!("on {backend:?}");
        let db = TestDb::new(backend).await;
        check_demo_removal(db.store.as_ref()).await;
    }
}
