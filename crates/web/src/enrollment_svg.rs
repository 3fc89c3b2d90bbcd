//! The console's enrollment chart as an inline `<svg>` element, drawn by `plotters` on the
//! server: no script, font or request of its own. Plotters writes presentation attributes only
//! (no `style`), which the page's Content-Security-Policy (`style-src 'self'`) lets through.

use plotters::prelude::*;
use portal_core::enrollment_chart::{ChartDay, DAYS_EACH_SIDE, DeadlineMark, EnrollmentChart};
use time::Date;

const WIDTH: u32 = 760;
const HEIGHT: u32 = 400;

// Colours of the Okabe–Ito palette, which stay apart under every common colour-vision
// deficiency; the table under the chart carries the same numbers for those who see none.
const ENROLLED: RGBColor = RGBColor(0, 158, 115);
const PENDING: RGBColor = RGBColor(0, 114, 178);
const EXPIRED: RGBColor = RGBColor(213, 94, 0);
const MARKER: &str = "#555555";

/// One of the chart's lines: its name in the legend, its colour and what it counts.
struct Line {
    name: &'static str,
    colour: RGBColor,
    count: fn(&ChartDay) -> u64,
}

const LINES: [Line; 3] = [
    Line { name: "Enrolled", colour: ENROLLED, count: |d| d.enrolled },
    Line { name: "Setup pending", colour: PENDING, count: |d| d.setup_pending },
    Line { name: "Past the deadline", colour: EXPIRED, count: |d| d.setup_expired },
];

#[derive(Debug, thiserror::Error)]
#[error("the enrollment chart could not be drawn: {0}")]
pub struct ChartDrawError(String);

fn drawing_failed(e: impl std::fmt::Display) -> ChartDrawError {
    ChartDrawError(e.to_string())
}

/// Days from today: the chart's x axis.
fn offset(today: Date, date: Date) -> i32 {
    // The chart spans ±60 days, far inside i32.
    i32::try_from((date - today).whole_days()).unwrap_or_default()
}

/// "Mar 2": short enough for nine ticks on the axis.
fn short_date(date: Date) -> String {
    let month = date.month().to_string();
    format!("{} {}", month.get(..3).unwrap_or(&month), date.day())
}

/// The `<svg>` element, labelled `description` for screen readers (who get the numbers from
/// the table under it).
pub fn svg(chart: &EnrollmentChart, description: &str) -> Result<String, ChartDrawError> {
    let today = chart.today;
    let highest = chart.days.iter().map(|d| d.enrolled.max(d.setup_pending).max(d.setup_expired)).max().unwrap_or(0);
    let y_top = highest + highest / 8 + 1;
    let reach = i32::from(DAYS_EACH_SIDE);
    let mut drawn = String::new();
    let mut markers = Vec::new();
    {
        let root = SVGBackend::with_string(&mut drawn, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing_failed)?;
        let mut plot = ChartBuilder::on(&root)
            .margin(16)
            // Room for the last date label, which is centred on the right edge.
            .margin_right(36)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(-reach..reach, 0..y_top)
            .map_err(drawing_failed)?;
        let label_date = |x: &i32| short_date(today.saturating_add(time::Duration::days(i64::from(*x))));
        plot.configure_mesh()
            .x_labels(9)
            .y_labels(6)
            .x_label_formatter(&label_date)
            .disable_x_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 15))
            .y_desc("Policyholders")
            .draw()
            .map_err(drawing_failed)?;

        let today_line = PathElement::new(vec![(0, 0), (0, y_top)], BLACK.stroke_width(1));
        let today_label = Text::new("today", (1, y_top), ("sans-serif", 13).into_font());
        plot.draw_series([today_line]).map_err(drawing_failed)?;
        plot.draw_series([today_label]).map_err(drawing_failed)?;

        for Line { name, colour, count } in LINES {
            let known = chart.days.iter().filter(|d| !d.projected).map(|d| (offset(today, d.date), count(d)));
            plot.draw_series(LineSeries::new(known, colour.stroke_width(2)))
                .map_err(drawing_failed)?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
            // Dashed from today on: a projection, not a count.
            let projected = chart.days.iter().filter(|d| d.date >= today).map(|d| (offset(today, d.date), count(d)));
            plot.draw_series(DashedLineSeries::new(projected, 6, 4, colour.stroke_width(2))).map_err(drawing_failed)?;
        }
        plot.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(drawing_failed)?;

        for mark in &chart.deadlines {
            let x = offset(today, mark.date);
            markers.push((*mark, plot.backend_coord(&(x, y_top)), plot.backend_coord(&(x, 0))));
        }
        root.present().map_err(drawing_failed)?;
    }
    let end = drawn.rfind("</svg>").ok_or_else(|| ChartDrawError("no closing tag".into()))?;
    let mut svg = drawn[..end].to_owned();
    // Plotters cannot give an element a title, so the deadline markers are written here, each
    // with one naming its date and count (shown on hover) and a class the tests can find.
    svg.push_str("<g class=\"deadline-markers\">\n");
    for (mark, (x, top), (_, bottom)) in markers {
        svg.push_str(&deadline_marker(&mark, x, top, bottom));
    }
    svg.push_str("</g>\n</svg>\n");
    let escaped = escape(description);
    Ok(svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{escaped}\" class=\"chart\" "), 1).replacen(
        '>',
        &format!(">\n<title>{escaped}</title>"),
        1,
    ))
}

fn deadline_marker(mark: &DeadlineMark, x: i32, top: i32, bottom: i32) -> String {
    let who = if mark.policyholders == 1 { "policyholder" } else { "policyholders" };
    format!(
        "<g class=\"deadline-marker\"><title>Setup deadline {}: {} {who} without a method</title>\
         <line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{MARKER}\" stroke-width=\"1\" stroke-dasharray=\"1 3\"/>\
         <polygon points=\"{},{top} {},{top} {x},{}\" fill=\"{MARKER}\"/></g>\n",
        mark.date,
        mark.policyholders,
        x - 5,
        x + 5,
        top + 8
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_core::enrollment_chart::enrollment_chart;
    use portal_core::mfa::MfaPolicy;
    use portal_core::overview::PolicyholderGroup;
    use time::macros::date;

    #[test]
    fn the_chart_is_one_labelled_svg_element_with_a_marker_per_deadline_and_nothing_external() {
        let group = |deadline, count| PolicyholderGroup {
            created_around: date!(2026 - 01 - 10).midnight().assume_utc(),
            mfa_deadline: Some(deadline),
            enrolled: false,
            locked: false,
            count,
        };
        let groups = [group(date!(2026 - 04 - 20), 3), group(date!(2026 - 05 - 16), 1)];
        let chart = enrollment_chart(&groups, &MfaPolicy::new(date!(2026 - 04 - 01)), date!(2026 - 05 - 01));
        let s = svg(&chart, "Enrollment <chart> & more").unwrap();
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"Enrollment &lt;chart&gt; &amp; more\""), "{}", &s[..80]);
        assert!(s.contains("<title>Enrollment &lt;chart&gt; &amp; more</title>"));
        assert!(s.trim_end().ends_with("</svg>"));
        assert_eq!(s.matches("<svg").count(), 1);
        assert_eq!(s.matches("class=\"deadline-marker\"").count(), 2);
        assert!(s.contains("<title>Setup deadline 2026-04-20: 3 policyholders without a method</title>"));
        assert!(s.contains("<title>Setup deadline 2026-05-16: 1 policyholder without a method</title>"));
        assert!(s.contains(">\ntoday\n</text>"), "the today line is labelled");
        for forbidden in ["style=", "<script", "href", "url(", "@import"] {
            assert!(!s.contains(forbidden), "{forbidden} in the chart");
        }
    }
}
