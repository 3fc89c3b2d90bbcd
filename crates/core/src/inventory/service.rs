//! The inventory's use-cases on `Portal`, shared by the pages and the JSON API: open a claim and
//! invite its policyholder, read it, change items, import and export CSV, and move it through
//! its review. Every change is audited in the same transaction as the change itself.

use time::{Date, Duration};

use super::attachment::Attachment;
use super::csv::{self, ImportError};
use super::model::{
    self, Access, Claim, ClaimFilter, ClaimId, ClaimStatus, ClaimSummary, ClaimTransition, FieldError, Item, ItemDraft,
    ItemFields, ItemId, MAX_ITEMS_PER_CLAIM, NewClaim, StatusChange, Totals, WrongClaimStatus,
};
use super::sentence::Sentence;
use crate::audit::{AuditEvent, Outcome, action};
use crate::email::{Email, EmailError};
use crate::language::Language;
use crate::password::NewPassword;
use crate::store::StoreError;
use crate::user::{DisplayName, DisplayNameError, Role, User, UserId};
use crate::{InternalError, Portal, RequestContext};

/// How long an invitation's set-password link works.
pub const INVITE_LINK_LIFETIME: Duration = Duration::days(7);
pub const MAX_MESSAGE_CHARS: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// Unknown, or not the caller's: the two look the same.
    #[error("no such claim or item")]
    NotFound,
    /// The caller may see the claim but not do this.
    #[error("{0}")]
    Forbidden(Sentence),
    #[error("this inventory has been submitted; it is read-only until your adjuster reopens it")]
    Locked,
    #[error("{0}")]
    WrongStatus(Sentence),
    #[error("{0}")]
    Invalid(FieldError),
    #[error("the file has {} problem(s); nothing was saved", .0.len())]
    Import(Vec<ImportError>),
    #[error("too many new policyholders invited this hour; try again in {}", crate::throttle::wait_in_words(*retry_after))]
    RateLimited { retry_after: time::Duration },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<StoreError> for InventoryError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<FieldError> for InventoryError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

impl InventoryError {
    /// Only the policyholder changes the inventory (the adjuster and staff only look).
    pub fn only_policyholder_changes() -> Self {
        Self::Forbidden(Sentence::text("claim-forbidden-policyholder-changes"))
    }

    /// Opening claims is the adjusters' job.
    pub fn only_adjusters_open_claims() -> Self {
        Self::Forbidden(Sentence::text("claim-forbidden-adjusters-open"))
    }
}

/// A claim just opened, with the link to hand the policyholder.
#[derive(Debug, Clone)]
pub struct Invite {
    pub claim: Claim,
    /// For a new account: the single-use set-password link (7 days), also emailed. For an
    /// existing account: the claim's address (a set-password link would let the adjuster take
    /// the account over).
    pub invite_url: String,
    pub new_account: bool,
}

/// Everything a claim page or `GET /claims/{id}` shows.
#[derive(Debug, Clone)]
pub struct ClaimView {
    pub summary: ClaimSummary,
    pub access: Access,
    pub items: Vec<Item>,
    pub totals: Totals,
    pub history: Vec<StatusChange>,
    /// Every item's photos and receipts, oldest first.
    pub attachments: Vec<Attachment>,
}

impl ClaimView {
    /// Each item's attachments, oldest first, grouped once: a full claim has 50 000 of them,
    /// too many to scan per item.
    pub fn attachments_by_item(&self) -> std::collections::HashMap<&ItemId, Vec<&Attachment>> {
        let mut by_item: std::collections::HashMap<&ItemId, Vec<&Attachment>> = std::collections::HashMap::new();
        for a in &self.attachments {
            by_item.entry(&a.item_id).or_default().push(a);
        }
        by_item
    }

    /// The policyholder may change items now.
    pub fn editable(&self) -> bool {
        self.access == Access::Policyholder && self.summary.claim.status == ClaimStatus::Draft
    }
}

#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub items: Vec<ItemFields>,
    /// The line in the file where each of `items` starts.
    pub lines: Vec<usize>,
    /// `false` for a dry run.
    pub saved: bool,
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub fn parse_loss_date(text: &str, today: Date) -> Result<Date, FieldError> {
    let date = Date::parse(text.trim(), DATE_FORMAT)
        .map_err(|_| FieldError::new("loss_date", Sentence::text("claim-field-loss-date-format")))?;
    if date > today {
        return Err(FieldError::new("loss_date", Sentence::text("claim-field-loss-date-future")));
    }
    if date.year() < 1900 {
        return Err(FieldError::new("loss_date", Sentence::text("claim-field-loss-date-too-old")));
    }
    Ok(date)
}

pub fn parse_claim_number(text: &str) -> Result<String, FieldError> {
    let t = model::text("claim_number", text, 1, 40, false)?;
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | ' ')) {
        return Err(FieldError::new("claim_number", Sentence::text("claim-field-claim-number-characters")));
    }
    Ok(t)
}

pub fn date_text(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_default()
}

/// Why an address is refused, said in the inventory's words (the same sentences as the
/// error's English).
fn email_problem(e: &EmailError) -> Sentence {
    Sentence::text(match e {
        EmailError::Empty => "claim-field-email-empty",
        EmailError::TooLong => "claim-field-email-too-long",
        EmailError::Malformed => "claim-field-email-invalid",
    })
}

fn name_problem(e: &DisplayNameError) -> Sentence {
    Sentence::text(match e {
        DisplayNameError::Empty => "claim-field-name-empty",
        DisplayNameError::TooLong => "claim-field-name-too-long",
        DisplayNameError::ControlCharacters => "claim-field-name-control-characters",
    })
}

/// An email of this area, in the recipient's language: its subject and text (the greeting and
/// the portal's name are `Portal::notify`'s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub text: String,
}

/// The invitation to a claim: for a new account with the set-password `link`, else with the
/// claim's address.
pub fn invitation(
    language: Language,
    adjuster: &str,
    number: &str,
    portal: &str,
    link: &str,
    new_account: bool,
) -> Notice {
    let id = if new_account { "claim-mail-invite-new-account" } else { "claim-mail-invite-existing-account" };
    Notice {
        subject: language.text_with("claim-mail-invite-subject", &[("number", number.into())]),
        text: language.text_with(
            id,
            &[
                ("adjuster", adjuster.into()),
                ("number", number.into()),
                ("portal", portal.into()),
                ("link", link.into()),
            ],
        ),
    }
}

/// To the adjuster: the policyholder handed the inventory over.
pub fn submitted_notice(language: Language, summary: &ClaimSummary, link: &str) -> Notice {
    let number = summary.claim.claim_number.as_str();
    Notice {
        subject: language.text_with("claim-mail-submitted-subject", &[("number", number.into())]),
        text: language.text_with(
            "claim-mail-submitted",
            &[
                ("policyholder", summary.policyholder_name.as_str().into()),
                ("number", number.into()),
                ("count", summary.item_count.into()),
                ("total", super::money::format_money(summary.total_cents).into()),
                ("link", link.into()),
            ],
        ),
    }
}

/// To the policyholder: the adjuster gave the inventory back, with their `message`.
pub fn reopened_notice(language: Language, adjuster: &str, number: &str, message: &str, link: &str) -> Notice {
    Notice {
        subject: language.text_with("claim-mail-reopened-subject", &[("number", number.into())]),
        text: language.text_with(
            "claim-mail-reopened",
            &[
                ("adjuster", adjuster.into()),
                ("number", number.into()),
                ("message", message.into()),
                ("link", link.into()),
            ],
        ),
    }
}

impl Portal {
    pub(super) fn claim_event(
        &self,
        name: &str,
        actor: &User,
        claim: &ClaimSummary,
        ctx: &RequestContext,
    ) -> AuditEvent {
        AuditEvent::new(self.clock.now(), name, Outcome::Success, ctx)
            .actor(actor.email.as_str())
            .subject(Some(&claim.claim.policyholder_id), claim.policyholder_email.as_str())
            .detail("claim_id", claim.claim.id.as_str())
            .detail("claim_number", claim.claim.claim_number.as_str())
    }

    /// The claim and how `actor` reaches it; not theirs is `NotFound`.
    pub(super) async fn reach(&self, actor: &User, id: &ClaimId) -> Result<(ClaimSummary, Access), InventoryError> {
        let summary = self.store.claim(id).await?.ok_or(InventoryError::NotFound)?;
        let how = model::access(actor, &summary.claim).ok_or(InventoryError::NotFound)?;
        Ok((summary, how))
    }

    /// The claim, if `actor` may change its items now.
    pub(super) async fn reach_editable(&self, actor: &User, id: &ClaimId) -> Result<ClaimSummary, InventoryError> {
        let (summary, how) = self.reach(actor, id).await?;
        if how != Access::Policyholder {
            return Err(InventoryError::only_policyholder_changes());
        }
        if summary.claim.status != ClaimStatus::Draft {
            return Err(InventoryError::Locked);
        }
        Ok(summary)
    }

    async fn reach_as_adjuster(&self, actor: &User, id: &ClaimId) -> Result<ClaimSummary, InventoryError> {
        let (summary, how) = self.reach(actor, id).await?;
        if how != Access::Adjuster {
            return Err(InventoryError::Forbidden(Sentence::text("claim-forbidden-adjuster-only")));
        }
        Ok(summary)
    }

    /// An adjuster opens a claim for a policyholder: creates the account (or links an existing
    /// policyholder's), all in one transaction, then emails the invitation.
    pub async fn open_claim(
        &self,
        actor: &User,
        new: NewClaim,
        ctx: &RequestContext,
    ) -> Result<Invite, InventoryError> {
        if actor.role != Role::Adjuster {
            return Err(InventoryError::only_adjusters_open_claims());
        }
        let now = self.clock.now();
        let claim_number = parse_claim_number(&new.claim_number)?;
        let loss_date = parse_loss_date(&new.loss_date, self.settings.mfa.today(now))?;
        let loss_address = model::text("loss_address", &new.loss_address, 0, 300, false)?;
        let email = Email::parse(&new.policyholder_email)
            .map_err(|e| FieldError::new("policyholder_email", email_problem(&e)))?;
        let name = DisplayName::parse(&new.policyholder_name)
            .map_err(|e| FieldError::new("policyholder_name", name_problem(&e)))?;

        let existing = self.store.user_by_email(&email).await?;
        if existing.as_ref().is_some_and(|u| u.role != Role::Policyholder) {
            return Err(FieldError::new("policyholder_email", Sentence::text("claim-field-staff-email")).into());
        }
        // A new account gets a link to choose a password by email: each one takes a slot under
        // the adjuster's hourly invitation limit first, given back if the claim is not stored.
        let invite_slot = match &existing {
            Some(_) => None,
            None => {
                let key = format!("invite:{}", actor.id);
                match self.reserve_all(&[(key.as_str(), crate::throttle::limits::INVITES_PER_HOUR)]).await? {
                    Ok(mut slots) => slots.pop(),
                    Err(limit) => {
                        let refused = AuditEvent::new(now, action::CLAIM_CREATED, Outcome::Refused, ctx)
                            .actor(actor.email.as_str())
                            .subject(None, email.as_str())
                            .detail("refused", "hourly invitation limit reached");
                        // Audited every time, like a support agent's refusals: a signed-in adjuster.
                        self.audit(refused).await;
                        return Err(InventoryError::RateLimited { retry_after: limit.retry_after });
                    }
                }
            }
        };
        let fresh = match &existing {
            Some(_) => None,
            None => {
                let unusable = NewPassword::unusable(self.rng.as_ref());
                let password_hash = match self.hasher.hash(unusable).await {
                    Ok(hash) => hash,
                    Err(e) => {
                        if let Some(slot) = &invite_slot {
                            self.release(slot).await;
                        }
                        return Err(InternalError::from(e).into());
                    }
                };
                let user = User {
                    id: UserId::generate(self.rng.as_ref()),
                    email: email.clone(),
                    name,
                    role: Role::Policyholder,
                    password_hash,
                    created_at: now,
                    mfa_deadline: None,
                    mfa_preferred: None,
                    language: None,
                    demo: false,
                };
                let audit = AuditEvent::new(now, action::USER_CREATED, Outcome::Success, ctx)
                    .actor(actor.email.as_str())
                    .subject(Some(&user.id), user.email.as_str())
                    .detail("role", "policyholder")
                    .detail("via", "claim invitation");
                Some((user, audit))
            }
        };
        let Some(policyholder) = existing.clone().or_else(|| fresh.as_ref().map(|(u, _)| u.clone())) else {
            return Err(StoreError::Corrupt("no policyholder".into()).into());
        };
        let claim = Claim {
            id: ClaimId::generate(self.rng.as_ref()),
            claim_number,
            loss_date,
            loss_address,
            status: ClaimStatus::Draft,
            policyholder_id: policyholder.id.clone(),
            adjuster_id: actor.id.clone(),
            created_at: now,
            updated_at: now,
        };
        let audit = AuditEvent::new(now, action::CLAIM_CREATED, Outcome::Success, ctx)
            .actor(actor.email.as_str())
            .subject(Some(&policyholder.id), policyholder.email.as_str())
            .detail("claim_id", claim.id.as_str())
            .detail("claim_number", claim.claim_number.as_str())
            .detail("new_account", fresh.is_some());
        let stored =
            self.store.insert_claim(&claim, fresh.as_ref().map(|(u, a)| (u, a)), actor.email.as_str(), &audit).await;
        if let (Err(_), Some(slot)) = (&stored, &invite_slot) {
            self.release(slot).await;
        }
        match stored {
            Ok(()) => {}
            Err(StoreError::Conflict("claim_number")) => {
                return Err(FieldError::new("claim_number", Sentence::text("claim-field-claim-number-taken")).into());
            }
            Err(StoreError::Conflict(_)) => {
                return Err(
                    FieldError::new("policyholder_email", Sentence::text("claim-field-account-just-created")).into()
                );
            }
            Err(e) => return Err(e.into()),
        }
        let invite_url = if fresh.is_some() {
            self.password_link(&policyholder, INVITE_LINK_LIFETIME).await?
        } else {
            format!("{}/claims/{}", self.settings.public_url, claim.id)
        };
        // The policyholder is someone else than the adjuster sending it: their own language,
        // English for an account made just now.
        let mail = invitation(
            policyholder.language.unwrap_or_default(),
            actor.name.as_str(),
            &claim.claim_number,
            &self.settings.portal_name,
            &invite_url,
            fresh.is_some(),
        );
        self.notify(&policyholder, &mail.subject, &mail.text).await;
        Ok(Invite { claim, invite_url, new_account: fresh.is_some() })
    }

    /// The claims `actor` may see: a policyholder's own, an adjuster's assigned, every claim for
    /// support and admins.
    pub async fn claims_for(
        &self,
        actor: &User,
        status: Option<ClaimStatus>,
    ) -> Result<Vec<ClaimSummary>, InventoryError> {
        let filter = match actor.role {
            Role::Policyholder => {
                ClaimFilter { policyholder: Some(actor.id.clone()), status, ..ClaimFilter::default() }
            }
            Role::Adjuster => ClaimFilter { adjuster: Some(actor.id.clone()), status, ..ClaimFilter::default() },
            Role::Support | Role::Admin => ClaimFilter { status, ..ClaimFilter::default() },
        };
        Ok(self.store.claims(&filter).await?)
    }

    pub async fn claim_view(&self, actor: &User, id: &ClaimId) -> Result<ClaimView, InventoryError> {
        let (summary, access) = self.reach(actor, id).await?;
        let items = self.store.items(id).await?;
        let history = self.store.status_history(id).await?;
        let attachments = self.store.attachments(id).await?;
        let totals = model::totals(&items);
        Ok(ClaimView { summary, access, items, totals, history, attachments })
    }

    pub async fn add_item(
        &self,
        actor: &User,
        id: &ClaimId,
        draft: &ItemDraft,
        ctx: &RequestContext,
    ) -> Result<Item, InventoryError> {
        let summary = self.reach_editable(actor, id).await?;
        let fields = draft.validate()?;
        if usize::try_from(summary.item_count).unwrap_or(usize::MAX) >= MAX_ITEMS_PER_CLAIM {
            return Err(FieldError::new(
                "description",
                Sentence::text("claim-field-too-many-items").arg("max", MAX_ITEMS_PER_CLAIM),
            )
            .into());
        }
        let item_id = ItemId::generate(self.rng.as_ref());
        let audit = self
            .claim_event(action::CLAIM_ITEM_ADDED, actor, &summary, ctx)
            .detail("item_id", item_id.as_str())
            .detail("description", fields.description.as_str());
        let now = self.clock.now();
        if !self.store.insert_items(id, &[(item_id.clone(), fields)], now, &audit).await? {
            return Err(InventoryError::Locked);
        }
        self.item(id, &item_id).await
    }

    pub(super) async fn item(&self, claim: &ClaimId, item: &ItemId) -> Result<Item, InventoryError> {
        self.store.items(claim).await?.into_iter().find(|i| &i.id == item).ok_or(InventoryError::NotFound)
    }

    /// Replaces an item's fields (the API's PATCH merges into the current ones first).
    pub async fn edit_item(
        &self,
        actor: &User,
        id: &ClaimId,
        item_id: &ItemId,
        draft: &ItemDraft,
        ctx: &RequestContext,
    ) -> Result<Item, InventoryError> {
        let summary = self.reach_editable(actor, id).await?;
        let before = self.item(id, item_id).await?;
        let fields = draft.validate()?;
        let audit = self
            .claim_event(action::CLAIM_ITEM_UPDATED, actor, &summary, ctx)
            .detail("item_id", item_id.as_str())
            .detail("before", serde_json::to_value(&before.fields).unwrap_or_default())
            .detail("after", serde_json::to_value(&fields).unwrap_or_default());
        if !self.store.update_item(id, item_id, &fields, self.clock.now(), &audit).await? {
            return Err(self.why_not_written(id).await);
        }
        self.item(id, item_id).await
    }

    /// Why a guarded item write changed nothing: the claim left draft meanwhile, or the item is gone.
    pub(super) async fn why_not_written(&self, id: &ClaimId) -> InventoryError {
        match self.store.claim(id).await {
            Ok(Some(c)) if c.claim.status != ClaimStatus::Draft => InventoryError::Locked,
            Ok(_) => InventoryError::NotFound,
            Err(e) => e.into(),
        }
    }

    pub async fn delete_item(
        &self,
        actor: &User,
        id: &ClaimId,
        item_id: &ItemId,
        ctx: &RequestContext,
    ) -> Result<(), InventoryError> {
        let summary = self.reach_editable(actor, id).await?;
        let before = self.item(id, item_id).await?;
        let audit = self
            .claim_event(action::CLAIM_ITEM_DELETED, actor, &summary, ctx)
            .detail("item_id", item_id.as_str())
            .detail("before", serde_json::to_value(&before.fields).unwrap_or_default());
        let files: Vec<Attachment> =
            self.store.attachments(id).await?.into_iter().filter(|a| &a.item_id == item_id).collect();
        if !self.store.delete_item(id, item_id, self.clock.now(), &audit).await? {
            return Err(self.why_not_written(id).await);
        }
        // The rows went with the item (ON DELETE CASCADE); the files follow.
        for f in &files {
            self.remove_files(f).await;
        }
        Ok(())
    }

    /// The adjuster's remark on one item (empty clears it); not on a draft or a closed claim.
    pub async fn comment_item(
        &self,
        actor: &User,
        id: &ClaimId,
        item_id: &ItemId,
        comment: &str,
        ctx: &RequestContext,
    ) -> Result<Item, InventoryError> {
        let summary = self.reach_as_adjuster(actor, id).await?;
        self.item(id, item_id).await?;
        let comment = model::text("comment", comment, 0, MAX_MESSAGE_CHARS, true)?;
        if !matches!(summary.claim.status, ClaimStatus::Submitted | ClaimStatus::InReview) {
            return Err(InventoryError::WrongStatus(Sentence::text("claim-wrong-status-comment")));
        }
        let audit = self
            .claim_event(action::CLAIM_ITEM_COMMENTED, actor, &summary, ctx)
            .detail("item_id", item_id.as_str())
            .detail("comment", comment.as_str());
        if !self.store.set_item_comment(id, item_id, &comment, self.clock.now(), &audit).await? {
            return Err(InventoryError::NotFound);
        }
        self.item(id, item_id).await
    }

    /// The inventory as CSV, for anyone who may see the claim.
    pub async fn export_csv(&self, actor: &User, id: &ClaimId) -> Result<(ClaimSummary, String), InventoryError> {
        let (summary, _) = self.reach(actor, id).await?;
        let items = self.store.items(id).await?;
        Ok((summary, csv::export(&items)))
    }

    /// Appends every row of a CSV file as new items, all or nothing. A dry run checks and saves
    /// nothing. Problems come back as `Import` with every line and column.
    pub async fn import_csv(
        &self,
        actor: &User,
        id: &ClaimId,
        bytes: &[u8],
        dry_run: bool,
        ctx: &RequestContext,
    ) -> Result<ImportOutcome, InventoryError> {
        let summary = self.reach_editable(actor, id).await?;
        let (lines, items): (Vec<usize>, Vec<ItemFields>) =
            csv::parse_with_lines(bytes).map_err(InventoryError::Import)?.into_iter().unzip();
        let room = MAX_ITEMS_PER_CLAIM.saturating_sub(usize::try_from(summary.item_count).unwrap_or(usize::MAX));
        if items.len() > room {
            return Err(InventoryError::Import(vec![ImportError::new(
                1,
                "row",
                Sentence::text("claim-csv-claim-full").arg("max", MAX_ITEMS_PER_CLAIM),
            )]));
        }
        if dry_run {
            return Ok(ImportOutcome { items, lines, saved: false });
        }
        let with_ids: Vec<(ItemId, ItemFields)> =
            items.iter().map(|f| (ItemId::generate(self.rng.as_ref()), f.clone())).collect();
        let audit = self.claim_event(action::CLAIM_IMPORTED, actor, &summary, ctx).detail("items", items.len());
        if !self.store.insert_items(id, &with_ids, self.clock.now(), &audit).await? {
            return Err(InventoryError::Locked);
        }
        Ok(ImportOutcome { items, lines, saved: true })
    }

    async fn move_claim(
        &self,
        actor: &User,
        summary: &ClaimSummary,
        step: ClaimTransition,
        message: &str,
        ctx: &RequestContext,
    ) -> Result<(), InventoryError> {
        let to = step.apply(summary.claim.status).map_err(|e| InventoryError::WrongStatus(e.sentence()))?;
        let (from, _) = step.rule();
        let change = StatusChange {
            at: self.clock.now(),
            from: Some(summary.claim.status),
            to,
            actor: actor.email.as_str().to_owned(),
            message: message.to_owned(),
        };
        let audit = self
            .claim_event(action::CLAIM_STATUS_CHANGED, actor, summary, ctx)
            .detail("from", summary.claim.status.as_str())
            .detail("to", to.as_str())
            .detail("message", message);
        // Another step may have moved the claim since it was read: the store applies this one
        // only while the status is still one it starts from.
        if !self.store.change_status(&summary.claim.id, from, &change, &audit).await? {
            let moved = WrongClaimStatus { current: summary.claim.status, needed: from };
            return Err(InventoryError::WrongStatus(moved.sentence()));
        }
        Ok(())
    }

    /// The policyholder hands the inventory over; it is read-only for them from now on.
    pub async fn submit_claim(&self, actor: &User, id: &ClaimId, ctx: &RequestContext) -> Result<(), InventoryError> {
        let (summary, how) = self.reach(actor, id).await?;
        if how != Access::Policyholder {
            return Err(InventoryError::Forbidden(Sentence::text("claim-forbidden-policyholder-submits")));
        }
        if summary.claim.status == ClaimStatus::Draft && summary.item_count == 0 {
            return Err(InventoryError::WrongStatus(Sentence::text("claim-wrong-status-empty")));
        }
        self.move_claim(actor, &summary, ClaimTransition::Submit, "", ctx).await?;
        if let Ok(Some(adjuster)) = self.store.user_by_id(&summary.claim.adjuster_id).await {
            let link = format!("{}/claims/{}", self.settings.public_url, summary.claim.id);
            let mail = submitted_notice(adjuster.language.unwrap_or_default(), &summary, &link);
            self.notify(&adjuster, &mail.subject, &mail.text).await;
        }
        Ok(())
    }

    /// The adjuster starts reviewing a submitted inventory.
    pub async fn start_review(&self, actor: &User, id: &ClaimId, ctx: &RequestContext) -> Result<(), InventoryError> {
        let summary = self.reach_as_adjuster(actor, id).await?;
        self.move_claim(actor, &summary, ClaimTransition::StartReview, "", ctx).await
    }

    pub async fn close_claim(&self, actor: &User, id: &ClaimId, ctx: &RequestContext) -> Result<(), InventoryError> {
        let summary = self.reach_as_adjuster(actor, id).await?;
        self.move_claim(actor, &summary, ClaimTransition::Close, "", ctx).await
    }

    /// The adjuster gives the inventory back to the policyholder with a message (required).
    pub async fn reopen_claim(
        &self,
        actor: &User,
        id: &ClaimId,
        message: &str,
        ctx: &RequestContext,
    ) -> Result<(), InventoryError> {
        let summary = self.reach_as_adjuster(actor, id).await?;
        let message = model::text("message", message, 1, MAX_MESSAGE_CHARS, true)?;
        self.move_claim(actor, &summary, ClaimTransition::Reopen, &message, ctx).await?;
        if let Ok(Some(policyholder)) = self.store.user_by_id(&summary.claim.policyholder_id).await {
            let link = format!("{}/claims/{}", self.settings.public_url, summary.claim.id);
            let mail = reopened_notice(
                policyholder.language.unwrap_or_default(),
                actor.name.as_str(),
                &summary.claim.claim_number,
                &message,
                &link,
            );
            self.notify(&policyholder, &mail.subject, &mail.text).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn loss_dates_are_real_and_not_in_the_future() {
        let today = date!(2026 - 03 - 02);
        assert_eq!(parse_loss_date("2026-03-02", today), Ok(today));
        assert_eq!(parse_loss_date("2026-03-03", today).unwrap_err().field, "loss_date");
        assert!(parse_loss_date("2026-02-30", today).is_err());
        assert!(parse_loss_date("03/01/2026", today).is_err());
    }

    #[test]
    fn claim_numbers_are_short_and_plain() {
        assert_eq!(parse_claim_number(" CLM-2026/001 ").unwrap(), "CLM-2026/001");
        assert!(parse_claim_number("").is_err());
        assert!(parse_claim_number("<script>").is_err());
        assert!(parse_claim_number(&"1".repeat(41)).is_err());
    }
}
