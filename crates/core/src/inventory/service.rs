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
use crate::audit::{AuditEvent, Outcome, action};
use crate::email::Email;
use crate::password::NewPassword;
use crate::store::StoreError;
use crate::user::{DisplayName, Role, User, UserId};
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
    Forbidden(&'static str),
    #[error("this inventory has been submitted; it is read-only until your adjuster reopens it")]
    Locked,
    #[error("{0}")]
    WrongStatus(String),
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
        .map_err(|_| FieldError::new("loss_date", "enter the date as YYYY-MM-DD"))?;
    if date > today {
        return Err(FieldError::new("loss_date", "the loss date cannot be in the future"));
    }
    if date.year() < 1900 {
        return Err(FieldError::new("loss_date", "the loss date is too far in the past"));
    }
    Ok(date)
}

pub fn parse_claim_number(text: &str) -> Result<String, FieldError> {
    let t = model::text("claim_number", text, 1, 40, false)?;
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | ' ')) {
        return Err(FieldError::new("claim_number", "use letters, digits, spaces and - _ / . only"));
    }
    Ok(t)
}

pub fn date_text(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_default()
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
            return Err(InventoryError::Forbidden("only the policyholder changes the inventory"));
        }
        if summary.claim.status != ClaimStatus::Draft {
            return Err(InventoryError::Locked);
        }
        Ok(summary)
    }

    async fn reach_as_adjuster(&self, actor: &User, id: &ClaimId) -> Result<ClaimSummary, InventoryError> {
        let (summary, how) = self.reach(actor, id).await?;
        if how != Access::Adjuster {
            return Err(InventoryError::Forbidden("only the claim's adjuster can do this"));
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
            return Err(InventoryError::Forbidden("only adjusters open claims"));
        }
        let now = self.clock.now();
        let claim_number = parse_claim_number(&new.claim_number)?;
        let loss_date = parse_loss_date(&new.loss_date, self.settings.mfa.today(now))?;
        let loss_address = model::text("loss_address", &new.loss_address, 0, 300, false)?;
        let email =
            Email::parse(&new.policyholder_email).map_err(|e| FieldError::new("policyholder_email", e.to_string()))?;
        let name = DisplayName::parse(&new.policyholder_name)
            .map_err(|e| FieldError::new("policyholder_name", e.to_string()))?;

        let existing = self.store.user_by_email(&email).await?;
        if existing.as_ref().is_some_and(|u| u.role != Role::Policyholder) {
            return Err(FieldError::new("policyholder_email", "this email belongs to a staff account").into());
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
                return Err(FieldError::new("claim_number", "a claim with this number already exists").into());
            }
            Err(StoreError::Conflict(_)) => {
                return Err(FieldError::new("policyholder_email", "this account was just created; try again").into());
            }
            Err(e) => return Err(e.into()),
        }
        let portal = &self.settings.portal_name;
        let (invite_url, text) = if fresh.is_some() {
            let link = self.password_link(&policyholder, INVITE_LINK_LIFETIME).await?;
            let text = format!(
                "{adjuster} opened claim {number} for you on {portal}, where you list what was lost.\n\n\
                 Choose your password within 7 days with this link (it works once):\n\n{link}\n\n\
                 Then sign in and open the claim to build your inventory.",
                adjuster = actor.name.as_str(),
                number = claim.claim_number,
            );
            (link, text)
        } else {
            let link = format!("{}/claims/{}", self.settings.public_url, claim.id);
            let text = format!(
                "{adjuster} opened claim {number} for you on {portal}. Sign in and open it here to build your inventory:\n\n{link}",
                adjuster = actor.name.as_str(),
                number = claim.claim_number,
            );
            (link, text)
        };
        self.notify(&policyholder, &format!("Claim {}", claim.claim_number), &text).await;
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
            return Err(
                FieldError::new("description", format!("a claim holds at most {MAX_ITEMS_PER_CLAIM} items")).into()
            );
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
            return Err(InventoryError::WrongStatus("comment on items while the inventory is under review".into()));
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
            return Err(InventoryError::Import(vec![ImportError {
                line: 1,
                column: "row".into(),
                message: format!("a claim holds at most {MAX_ITEMS_PER_CLAIM} items; this file would exceed that"),
            }]));
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
        let to = step.apply(summary.claim.status).map_err(|e| InventoryError::WrongStatus(e.to_string()))?;
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
            return Err(InventoryError::WrongStatus(moved.to_string()));
        }
        Ok(())
    }

    /// The policyholder hands the inventory over; it is read-only for them from now on.
    pub async fn submit_claim(&self, actor: &User, id: &ClaimId, ctx: &RequestContext) -> Result<(), InventoryError> {
        let (summary, how) = self.reach(actor, id).await?;
        if how != Access::Policyholder {
            return Err(InventoryError::Forbidden("only the policyholder submits the inventory"));
        }
        if summary.claim.status == ClaimStatus::Draft && summary.item_count == 0 {
            return Err(InventoryError::WrongStatus("add at least one item before submitting".into()));
        }
        self.move_claim(actor, &summary, ClaimTransition::Submit, "", ctx).await?;
        if let Ok(Some(adjuster)) = self.store.user_by_id(&summary.claim.adjuster_id).await {
            let text = format!(
                "{} submitted the inventory of claim {} ({} items, {}). Open it to review:\n\n{}/claims/{}",
                summary.policyholder_name,
                summary.claim.claim_number,
                summary.item_count,
                super::money::format_money(summary.total_cents),
                self.settings.public_url,
                summary.claim.id
            );
            self.notify(&adjuster, &format!("Inventory submitted for claim {}", summary.claim.claim_number), &text)
                .await;
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
            let text = format!(
                "{} reopened the inventory of claim {} so you can change it. Their message:\n\n{message}\n\n\
                 Open the claim: {}/claims/{}",
                actor.name.as_str(),
                summary.claim.claim_number,
                self.settings.public_url,
                summary.claim.id
            );
            self.notify(&policyholder, &format!("Claim {} reopened", summary.claim.claim_number), &text).await;
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
