//! The console's enrollment chart as an inline `<svg>` element, drawn by `plotters` on the
//! server: no script, font or request of its own. Plotters writes presentation attributes only
//! (no `style`), which the page's Content-Security-Policy (`style-src 'self'`) lets through.

use plotters::prelude::*;
use portal_core::enrollment_chart::{ChartDay, DAYS_EACH_SIDE, DeadlineMark, EnrollmentChart};
use portal_core::language::Language;
use time::Date;

const WIDTH: u32 = 760;
const HEIGHT: u32 = 400;

// Colours of the Okabe–Ito palette, which stay apart under every common colour-vision
// deficiency; the table under the chart carries the same numbers for those who see none.
const ENROLLED: RGBColor = RGBColor(0, 158, 115);
const PENDING: RGBColor = RGBColor(0, 114, 178);
const EXPIRED: RGBColor = RGBColor(213, 94, 0);
const MARKER: &str = "#555555";

/// One of the chart's lines: its name in the legend (in a language), its colour and what it
/// counts.
struct Line {
    name: fn(Language) -> String,
    colour: RGBColor,
    count: fn(&ChartDay) -> u64,
}

const LINES: [Line; 3] = [
    Line { name: |l| l.text("console-report-enrolled"), colour: ENROLLED, count: |d| d.enrolled },
    Line { name: |l| l.text("console-report-pending"), colour: PENDING, count: |d| d.setup_pending },
    Line { name: |l| l.text("console-report-expired"), colour: EXPIRED, count: |d| d.setup_expired },
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

/// "Mar 2", "2 mar": short enough for nine ticks on the axis.
fn short_date(date: Date, lang: Language) -> String {
    lang.text_with(
        "console-chart-day",
        &[("month", u32::from(u8::from(date.month())).into()), ("day", u32::from(date.day()).into())],
    )
}

/// The `<svg>` element in `lang`, labelled `description` for screen readers (who get the
/// numbers from the table under it).
pub fn svg(chart: &EnrollmentChart, description: &str, lang: Language) -> Result<String, ChartDrawError> {
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
        let label_date = |x: &i32| short_date(today.saturating_add(time::Duration::days(i64::from(*x))), lang);
        plot.configure_mesh()
            .x_labels(9)
            .y_labels(6)
            .x_label_formatter(&label_date)
            .disable_x_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 15))
            .y_desc(lang.text("console-chart-axis"))
            .draw()
            .map_err(drawing_failed)?;

        let today_line = PathElement::new(vec![(0, 0), (0, y_top)], BLACK.stroke_width(1));
        let today_label = Text::new(lang.text("console-chart-today"), (1, y_top), ("sans-serif", 13).into_font());
        plot.draw_series([today_line]).map_err(drawing_failed)?;
        plot.draw_series([today_label]).map_err(drawing_failed)?;

        for Line { name, colour, count } in LINES {
            let known = chart.days.iter().filter(|d| !d.projected).map(|d| (offset(today, d.date), count(d)));
            plot.draw_series(LineSeries::new(known, colour.stroke_width(2)))
                .map_err(drawing_failed)?
                .label(name(lang))
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
        svg.push_str(&deadline_marker(&mark, x, top, bottom, lang));
    }
    svg.push_str("</g>\n</svg>\n");
    let escaped = escape(description);
    Ok(svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{escaped}\" class=\"chart\" "), 1).replacen(
        '>',
        &format!(">\n<title>{escaped}</title>"),
        1,
    ))
}

fn deadline_marker(mark: &DeadlineMark, x: i32, top: i32, bottom: i32, lang: Language) -> String {
    let title = lang.text_with(
        "console-chart-marker",
        &[("date", mark.date.to_string().into()), ("count", mark.policyholders.into())],
    );
    format!(
        "<g class=\"deadline-marker\"><title>{}</title>\
         <line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{MARKER}\" stroke-width=\"1\" stroke-dasharray=\"1 3\"/>\
         <polygon points=\"{},{top} {},{top} {x},{}\" fill=\"{MARKER}\"/></g>\n",
        escape(&title),
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
        let s = svg(&chart, "Enrollment <chart> & more", Language::English).unwrap();
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
        assert!(s.contains(">\nApr 11\n</text>") && s.contains(">\nMay 1\n</text>"), "short dates on the axis");

        let s = svg(&chart, "Gráfica", Language::Spanish).unwrap();
        assert!(s.contains("<title>Fecha límite de configuración 2026-04-20: 3 asegurados sin método</title>"), "{s}");
        assert!(s.contains("<title>Fecha límite de configuración 2026-05-16: 1 asegurado sin método</title>"), "{s}");
        assert!(s.contains(">\nhoy\n</text>"), "the today line in Spanish");
        assert!(s.contains("Asegurados") && s.contains("Inscritos") && s.contains("Configuración pendiente"), "{s}");
        assert!(s.contains(">\n11 abr\n</text>") && s.contains(">\n1 may\n</text>"), "Spanish dates on the axis: {s}");
    }

    #[test]
    fn short_dates_are_written_as_each_language_writes_them() {
        assert_eq!(short_date(date!(2026 - 03 - 02), Language::English), "Mar 2");
        assert_eq!(short_date(date!(2026 - 09 - 30), Language::English), "Sep 30");
        assert_eq!(short_date(date!(2026 - 03 - 02), Language::Spanish), "2 mar");
        assert_eq!(short_date(date!(2026 - 12 - 31), Language::Spanish), "31 dic");
    }
}
