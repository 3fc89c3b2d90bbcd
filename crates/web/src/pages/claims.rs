//! The inventory pages: a policyholder's claims and a claim's items grouped by room
//! with totals, add/edit/delete forms and submit; an adjuster's claim list with a status filter
//! and counts, the form that opens a claim and shows the invitation link, and the review
//! (per-item comments, start review, close, reopen with a message). Plain forms, POST →
//! redirect → GET; the same `Portal` use-cases as the JSON API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portal_core::inventory::attachment::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_ITEM};
use portal_core::inventory::model::room_suggestions_in;
use portal_core::inventory::money::{format_money, read_decimal};
use portal_core::inventory::{
    Access, Attachment, AttachmentKind, ClaimId, ClaimStatus, ClaimView, Condition, FieldError, InventoryError,
    ItemDraft, ItemId, NewClaim, Sentence,
};
use portal_core::language::Language;
use portal_core::user::Role;
use serde::Deserialize;
use time::Date;

use crate::csrf::{CsrfForm, NoFields};
use crate::downloads::csv_response;
use crate::error::{PageError, claim_not_found};
use crate::extract::{Client, PageUser, SignedIn};
use crate::render::{Layout, render};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/claims", &["GET", "POST"], get(list).post(create)),
        ("/claims/new", &["GET"], get(new_claim_page)),
        ("/claims/{id}", &["GET"], get(show)),
        ("/claims/{id}/items", &["POST"], post(add_item)),
        ("/claims/{id}/items/{item_id}", &["GET", "POST"], get(edit_item_page).post(edit_item)),
        ("/claims/{id}/items/{item_id}/delete", &["POST"], post(delete_item)),
        ("/claims/{id}/items/{item_id}/comment", &["POST"], post(comment_item)),
        ("/claims/{id}/export.csv", &["GET"], get(export)),
        ("/claims/{id}/{action}", &["POST"], post(change_status)),
    ]
}

// ----- the claim list -----------------------------------------------------------------------

struct ClaimRow {
    id: String,
    number: String,
    status: &'static str,
    status_label: String,
    loss_date: Date,
    policyholder: String,
    items: i64,
    total: String,
}

struct StatusCount {
    value: &'static str,
    label: String,
    count: usize,
    selected: bool,
}

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsPage {
    layout: Layout,
    rows: Vec<ClaimRow>,
    counts: Vec<StatusCount>,
    all_count: usize,
    filtered: bool,
    can_open: bool,
    staff_view: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    status: String,
}

async fn list(State(state): State<AppState>, PageUser(s): PageUser, Query(q): Query<ListQuery>) -> Response {
    let lang = crate::language::current();
    let status = ClaimStatus::parse(&q.status);
    let all = match state.portal.claims_for(&s.user, None).await {
        Ok(all) => all,
        Err(e) => return PageError::from(e).into_response(),
    };
    let counts = ClaimStatus::ALL
        .into_iter()
        .map(|st| StatusCount {
            value: st.as_str(),
            label: st.label_in(lang),
            count: all.iter().filter(|c| c.claim.status == st).count(),
            selected: status == Some(st),
        })
        .collect();
    let rows = all
        .iter()
        .filter(|c| status.is_none_or(|st| c.claim.status == st))
        .map(|c| ClaimRow {
            id: c.claim.id.to_string(),
            number: c.claim.claim_number.clone(),
            status: c.claim.status.as_str(),
            status_label: c.claim.status.label_in(lang),
            loss_date: c.claim.loss_date,
            policyholder: c.policyholder_name.clone(),
            items: c.item_count,
            total: format_money(c.total_cents),
        })
        .collect();
    render(
        StatusCode::OK,
        &ClaimsPage {
            layout: Layout::new(&state, Some(&s)),
            rows,
            counts,
            all_count: all.len(),
            filtered: status.is_some(),
            can_open: s.user.role == Role::Adjuster,
            staff_view: s.user.role.is_staff(),
        },
    )
}

// ----- opening a claim ----------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewClaimForm {
    claim_number: String,
    loss_date: String,
    loss_address: String,
    policyholder_email: String,
    policyholder_name: String,
}

#[derive(Template, Default)]
#[template(path = "claim_new.html")]
struct NewClaimPage {
    layout: Layout,
    csrf: String,
    form: NewClaimForm,
    error_field: String,
    error: Option<String>,
    /// After success: the claim and the link to hand over.
    created_id: String,
    invite_url: String,
    new_account: bool,
}

async fn new_claim_page(State(state): State<AppState>, PageUser(s): PageUser) -> Response {
    if s.user.role != Role::Adjuster {
        return PageError::from(InventoryError::only_adjusters_open_claims()).into_response();
    }
    render(
        StatusCode::OK,
        &NewClaimPage {
            layout: Layout::new(&state, Some(&s)),
            csrf: s.session.csrf_token.clone(),
            ..NewClaimPage::default()
        },
    )
}

async fn create(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(form): CsrfForm<NewClaimForm>,
) -> Response {
    let new = NewClaim {
        claim_number: form.claim_number.clone(),
        loss_date: form.loss_date.clone(),
        loss_address: form.loss_address.clone(),
        policyholder_email: form.policyholder_email.clone(),
        policyholder_name: form.policyholder_name.clone(),
    };
    let mut page = NewClaimPage {
        layout: Layout::new(&state, Some(&s)),
        csrf: s.session.csrf_token.clone(),
        ..NewClaimPage::default()
    };
    match state.portal.open_claim(&s.user, new, &ctx).await {
        Ok(invite) => {
            page.created_id = invite.claim.id.to_string();
            page.invite_url = invite.invite_url;
            page.new_account = invite.new_account;
            page.form.claim_number = invite.claim.claim_number;
            render(StatusCode::CREATED, &page)
        }
        Err(InventoryError::Invalid(f)) => {
            page.error_field = f.field.to_owned();
            page.error = Some(f.reason_in(crate::language::current()));
            page.form = form;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

// ----- one claim ----------------------------------------------------------------------------

/// The item form's values as typed (money as dollars).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct ItemForm {
    description: String,
    brand: String,
    model: String,
    quantity: String,
    age_years: String,
    age_months: String,
    condition: String,
    replacement_cost: String,
    business_use: String,
    room: String,
    category: String,
    notes: String,
}

impl ItemForm {
    fn empty() -> Self {
        Self { quantity: "1".into(), condition: "good".into(), ..Self::default() }
    }

    fn from_fields(f: &portal_core::inventory::ItemFields) -> Self {
        Self {
            description: f.description.clone(),
            brand: f.brand.clone(),
            model: f.model.clone(),
            quantity: f.quantity.to_string(),
            age_years: f.age_years.to_string(),
            age_months: f.age_months.to_string(),
            condition: f.condition.as_str().to_owned(),
            replacement_cost: portal_core::inventory::money::decimal(f.replacement_cost_cents),
            business_use: if f.business_use { "on".into() } else { String::new() },
            room: f.room.clone(),
            category: f.category.clone(),
            notes: f.notes.clone(),
        }
    }

    fn draft(&self) -> Result<ItemDraft, FieldError> {
        let whole = |field: &'static str, text: &str| -> Result<i64, FieldError> {
            let t = text.trim();
            if t.is_empty() && field != "quantity" {
                return Ok(0);
            }
            t.parse().map_err(|_| FieldError::new(field, Sentence::text("claim-field-whole-number")))
        };
        Ok(ItemDraft {
            description: self.description.clone(),
            brand: self.brand.clone(),
            model: self.model.clone(),
            quantity: whole("quantity", &self.quantity)?,
            age_years: whole("age_years", &self.age_years)?,
            age_months: whole("age_months", &self.age_months)?,
            condition: self.condition.clone(),
            replacement_cost_cents: read_decimal(&self.replacement_cost)
                .map_err(|why| FieldError::new("replacement_cost_cents", why))?,
            business_use: !self.business_use.is_empty(),
            room: self.room.clone(),
            category: self.category.clone(),
            notes: self.notes.clone(),
        })
    }
}

struct ConditionOption {
    value: &'static str,
    label: String,
}

fn condition_options(lang: Language) -> Vec<ConditionOption> {
    Condition::ALL.into_iter().map(|c| ConditionOption { value: c.as_str(), label: c.label_in(lang) }).collect()
}

struct ItemRow {
    id: String,
    description: String,
    detail: String,
    quantity: i64,
    cost: String,
    total: String,
    condition: String,
    age: String,
    business_use: bool,
    category: String,
    notes: String,
    comment: String,
    attachments: Vec<AttachmentLink>,
}

/// A photo or receipt as a link (with a thumbnail for photos).
pub(super) struct AttachmentLink {
    pub id: String,
    pub url: String,
    pub thumbnail_url: String,
    pub file_name: String,
    pub kind_label: String,
    pub size: String,
}

pub(super) fn attachment_links(claim: &ClaimId, attachments: &[&Attachment], lang: Language) -> Vec<AttachmentLink> {
    attachments
        .iter()
        .map(|a| {
            let url = format!("/claims/{claim}/attachments/{}", a.id);
            AttachmentLink {
                id: a.id.to_string(),
                thumbnail_url: if a.has_thumbnail { format!("{url}/thumbnail") } else { String::new() },
                url,
                file_name: a.file_name.clone(),
                kind_label: lang.text(match a.kind {
                    AttachmentKind::Jpeg => "claim-kind-jpeg",
                    AttachmentKind::Png => "claim-kind-png",
                    AttachmentKind::Pdf => "claim-kind-pdf",
                }),
                size: size_text(a.size_bytes),
            }
        })
        .collect()
}

fn size_text(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{}.{} MB", bytes / (1024 * 1024), (bytes % (1024 * 1024)) * 10 / (1024 * 1024))
    }
}

struct RoomGroup {
    room: String,
    total: String,
    items: Vec<ItemRow>,
}

struct HistoryRow {
    at: String,
    /// "Draft → Submitted", "Opened as draft".
    change: String,
    actor: String,
    message: String,
}

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    layout: Layout,
    csrf: String,
    id: String,
    number: String,
    status: &'static str,
    status_label: String,
    loss_date: Date,
    loss_address: String,
    policyholder: String,
    adjuster: String,
    groups: Vec<RoomGroup>,
    total: String,
    item_count: i64,
    history: Vec<HistoryRow>,
    editable: bool,
    is_policyholder: bool,
    can_submit: bool,
    can_review: bool,
    can_close: bool,
    can_reopen: bool,
    can_comment: bool,
    form: ItemForm,
    conditions: Vec<ConditionOption>,
    rooms: Vec<String>,
    error_field: String,
    error: Option<String>,
    notice: Option<String>,
}

/// An item's age, shortened: "2 yr 3 mo", "2 años y 3 meses".
fn age_text(years: i64, months: i64, lang: Language) -> String {
    match (years, months) {
        (0, 0) => String::new(),
        (y, 0) => lang.text_with("claim-age-years", &[("years", y.into())]),
        (0, m) => lang.text_with("claim-age-months", &[("months", m.into())]),
        (y, m) => lang.text_with("claim-age-years-months", &[("years", y.into()), ("months", m.into())]),
    }
}

fn claim_page(
    state: &AppState,
    s: &SignedIn,
    v: &ClaimView,
    form: ItemForm,
    error: Option<FieldError>,
    notice: Option<String>,
) -> ClaimPage {
    let lang = crate::language::current();
    let c = &v.summary.claim;
    let by_item = v.attachments_by_item();
    let groups = v
        .totals
        .rooms
        .iter()
        .map(|r| RoomGroup {
            room: r.room.clone(),
            total: format_money(r.total_cents),
            items: v
                .items
                .iter()
                .filter(|i| i.fields.room == r.room)
                .map(|i| ItemRow {
                    id: i.id.to_string(),
                    description: i.fields.description.clone(),
                    detail: [i.fields.brand.as_str(), i.fields.model.as_str()]
                        .iter()
                        .filter(|t| !t.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" · "),
                    quantity: i.fields.quantity,
                    cost: format_money(i.fields.replacement_cost_cents),
                    total: format_money(i.fields.total_cents()),
                    condition: i.fields.condition.label_in(lang),
                    age: age_text(i.fields.age_years, i.fields.age_months, lang),
                    business_use: i.fields.business_use,
                    category: i.fields.category.clone(),
                    notes: i.fields.notes.clone(),
                    comment: i.adjuster_comment.clone(),
                    attachments: attachment_links(&c.id, by_item.get(&i.id).map_or(&[], Vec::as_slice), lang),
                })
                .collect(),
        })
        .collect();
    let history = v
        .history
        .iter()
        .map(|h| HistoryRow {
            at: {
                let wall = state.portal.wall_time(h.at);
                let time = format!("{:02}:{:02} {}", wall.hour, wall.minute, wall.abbreviation);
                lang.text_with(
                    "claim-history-when",
                    &[("date", lang.long_date(wall.date).into()), ("time", time.into())],
                )
            },
            change: match h.from {
                None => {
                    lang.text_with("claim-history-opened", &[("status", h.to.label_in(lang).to_lowercase().into())])
                }
                Some(from) => format!("{} → {}", from.label_in(lang), h.to.label_in(lang)),
            },
            actor: h.actor.clone(),
            message: h.message.clone(),
        })
        .collect();
    let is_adjuster = v.access == Access::Adjuster;
    let status = c.status;
    ClaimPage {
        layout: Layout::new(state, Some(s)),
        csrf: s.session.csrf_token.clone(),
        id: c.id.to_string(),
        number: c.claim_number.clone(),
        status: status.as_str(),
        status_label: status.label_in(lang),
        loss_date: c.loss_date,
        loss_address: c.loss_address.clone(),
        policyholder: format!("{} ({})", v.summary.policyholder_name, v.summary.policyholder_email),
        adjuster: v.summary.adjuster_name.clone(),
        groups,
        total: format_money(v.totals.total_cents),
        item_count: v.totals.item_count,
        history,
        editable: v.editable(),
        is_policyholder: v.access == Access::Policyholder,
        can_submit: v.editable() && !v.items.is_empty(),
        can_review: is_adjuster && status == ClaimStatus::Submitted,
        can_close: is_adjuster && status == ClaimStatus::InReview,
        can_reopen: is_adjuster && matches!(status, ClaimStatus::Submitted | ClaimStatus::InReview),
        can_comment: is_adjuster && matches!(status, ClaimStatus::Submitted | ClaimStatus::InReview),
        form,
        conditions: condition_options(lang),
        rooms: room_suggestions_in(lang),
        error_field: error.as_ref().map(|e| e.field.to_owned()).unwrap_or_default(),
        error: error.map(|e| e.reason_in(lang)),
        notice,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DoneQuery {
    pub done: String,
}

async fn show(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let Some(id) = ClaimId::parse(&id) else { return claim_not_found().into_response() };
    let view = match state.portal.claim_view(&s.user, &id).await {
        Ok(v) => v,
        Err(e) => return PageError::from(e).into_response(),
    };
    let notice = match q.done.as_str() {
        "added" => Some("claim-done-added"),
        "saved" => Some("claim-done-saved"),
        "deleted" => Some("claim-done-deleted"),
        "submitted" => Some("claim-done-submitted"),
        "review" => Some("claim-done-review"),
        "closed" => Some("claim-done-closed"),
        "reopened" => Some("claim-done-reopened"),
        "commented" => Some("claim-done-commented"),
        "imported" => Some("claim-done-imported"),
        _ => None,
    };
    let notice = notice.map(|id| crate::language::current().text(id));
    render(StatusCode::OK, &claim_page(&state, &s, &view, ItemForm::empty(), None, notice))
}

async fn add_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Response {
    let Some(id) = ClaimId::parse(&id) else { return claim_not_found().into_response() };
    let result = match form.draft() {
        Ok(d) => state.portal.add_item(&s.user, &id, &d, &ctx).await.map(|_| ()),
        Err(f) => Err(InventoryError::Invalid(f)),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/claims/{id}?done=added#items")).into_response(),
        Err(InventoryError::Invalid(f)) => match state.portal.claim_view(&s.user, &id).await {
            Ok(v) => render(StatusCode::UNPROCESSABLE_ENTITY, &claim_page(&state, &s, &v, form, Some(f), None)),
            Err(e) => PageError::from(e).into_response(),
        },
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "claim_item.html")]
struct ItemPage {
    layout: Layout,
    csrf: String,
    claim_id: String,
    number: String,
    item_id: String,
    form: ItemForm,
    conditions: Vec<ConditionOption>,
    rooms: Vec<String>,
    error_field: String,
    error: Option<String>,
    attachments: Vec<AttachmentLink>,
    can_attach: bool,
    max_attachments: usize,
    max_attachment_bytes: usize,
    max_attachment_mib: usize,
    upload_error: Option<String>,
    notice: Option<String>,
}

/// What the item page shows besides the form.
#[derive(Default)]
pub(super) struct ItemPageExtras {
    /// Already in the page's language.
    pub upload_error: Option<String>,
    /// The id of the notice's message.
    pub notice: Option<&'static str>,
    pub status: Option<StatusCode>,
}

pub(super) async fn item_page(
    state: &AppState,
    s: &SignedIn,
    id: &ClaimId,
    item: &ItemId,
    form: Option<ItemForm>,
    error: Option<FieldError>,
    extras: ItemPageExtras,
) -> Response {
    let view = match state.portal.claim_view(&s.user, id).await {
        Ok(v) => v,
        Err(e) => return PageError::from(e).into_response(),
    };
    let Some(current) = view.items.iter().find(|i| &i.id == item) else { return claim_not_found().into_response() };
    if !view.editable() {
        return PageError::from(if view.access == Access::Policyholder {
            InventoryError::Locked
        } else {
            InventoryError::only_policyholder_changes()
        })
        .into_response();
    }
    let lang = crate::language::current();
    let status = extras.status.unwrap_or(if error.is_some() || extras.upload_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    });
    let attached: Vec<&Attachment> = view.attachments.iter().filter(|a| &a.item_id == item).collect();
    render(
        status,
        &ItemPage {
            layout: Layout::new(state, Some(s)),
            csrf: s.session.csrf_token.clone(),
            claim_id: id.to_string(),
            number: view.summary.claim.claim_number.clone(),
            item_id: item.to_string(),
            form: form.unwrap_or_else(|| ItemForm::from_fields(&current.fields)),
            conditions: condition_options(lang),
            rooms: room_suggestions_in(lang),
            error_field: error.as_ref().map(|e| e.field.to_owned()).unwrap_or_default(),
            error: error.map(|e| e.reason_in(lang)),
            can_attach: attached.len() < MAX_ATTACHMENTS_PER_ITEM,
            attachments: attachment_links(id, &attached, lang),
            max_attachments: MAX_ATTACHMENTS_PER_ITEM,
            max_attachment_bytes: MAX_ATTACHMENT_BYTES,
            max_attachment_mib: MAX_ATTACHMENT_BYTES / (1024 * 1024),
            upload_error: extras.upload_error,
            notice: extras.notice.map(|id| lang.text(id)),
        },
    )
}

pub(super) fn ids(id: &str, item: &str) -> Option<(ClaimId, ItemId)> {
    Some((ClaimId::parse(id)?, ItemId::parse(item)?))
}

async fn edit_item_page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path((id, item)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let Some((id, item)) = ids(&id, &item) else { return claim_not_found().into_response() };
    let notice = match q.done.as_str() {
        "attached" => Some("claim-done-attached"),
        "removed" => Some("claim-done-removed"),
        _ => None,
    };
    item_page(&state, &s, &id, &item, None, None, ItemPageExtras { notice, ..ItemPageExtras::default() }).await
}

async fn edit_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path((id, item)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Response {
    let Some((id, item)) = ids(&id, &item) else { return claim_not_found().into_response() };
    let result = match form.draft() {
        Ok(d) => state.portal.edit_item(&s.user, &id, &item, &d, &ctx).await.map(|_| ()),
        Err(f) => Err(InventoryError::Invalid(f)),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/claims/{id}?done=saved#items")).into_response(),
        Err(InventoryError::Invalid(f)) => {
            item_page(&state, &s, &id, &item, Some(form), Some(f), ItemPageExtras::default()).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlainForm {
    message: String,
    comment: String,
}

async fn delete_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path((id, item)): Path<(String, String)>,
    _: CsrfForm<NoFields>,
) -> Response {
    let Some((id, item)) = ids(&id, &item) else { return claim_not_found().into_response() };
    match state.portal.delete_item(&s.user, &id, &item, &ctx).await {
        Ok(()) => Redirect::to(&format!("/claims/{id}?done=deleted#items")).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn comment_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path((id, item)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PlainForm>,
) -> Response {
    let Some((id, item)) = ids(&id, &item) else { return claim_not_found().into_response() };
    match state.portal.comment_item(&s.user, &id, &item, &form.comment, &ctx).await {
        Ok(_) => Redirect::to(&format!("/claims/{id}?done=commented#items")).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn change_status(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PlainForm>,
) -> Response {
    let Some(id) = ClaimId::parse(&id) else { return claim_not_found().into_response() };
    let (result, done) = match action.as_str() {
        "submit" => (state.portal.submit_claim(&s.user, &id, &ctx).await, "submitted"),
        "review" => (state.portal.start_review(&s.user, &id, &ctx).await, "review"),
        "close" => (state.portal.close_claim(&s.user, &id, &ctx).await, "closed"),
        "reopen" => (state.portal.reopen_claim(&s.user, &id, &form.message, &ctx).await, "reopened"),
        _ => return claim_not_found().into_response(),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/claims/{id}?done={done}")).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn export(State(state): State<AppState>, PageUser(s): PageUser, Path(id): Path<String>) -> Response {
    let Some(id) = ClaimId::parse(&id) else { return claim_not_found().into_response() };
    match state.portal.export_csv(&s.user, &id).await {
        Ok((summary, csv)) => csv_response(&summary.claim.claim_number, csv),
        Err(e) => PageError::from(e).into_response(),
    }
}
