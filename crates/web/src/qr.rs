//! QR codes as inline SVG (no image request, nothing external), drawn by the `qrcode` crate.

use qrcode::QrCode;
use qrcode::render::svg;

/// An `<svg>` element for `data`, with a title for screen readers; empty if `data` is too long.
pub fn svg(data: &str, title: &str) -> String {
    let Ok(code) = QrCode::new(data.as_bytes()) else { return String::new() };
    let rendered = code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    // The renderer emits a standalone document; inline HTML needs only the element.
    let element = rendered.find("<svg").map_or(rendered.as_str(), |i| &rendered[i..]);
    let escaped_title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    // The label is the (translated) title too: screen readers that skip an inline SVG's
    // <title> still hear it.
    let label = escaped_title.replace('"', "&quot;");
    element.replacen("<svg", &format!("<svg role=\"img\" aria-label=\"{label}\""), 1).replacen(
        '>',
        &format!("><title>{escaped_title}</title>"),
        1,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_qr_code_is_an_inline_svg_element() {
        let s = super::svg("otpauth://totp/Portal:a@example.com?secret=ABC&issuer=Portal", "Scan <me>");
        assert!(s.starts_with("<svg role=\"img\""), "{}", &s[..60]);
        assert!(s.contains("<title>Scan &lt;me&gt;</title>"));
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"Scan &lt;me&gt;\""), "{}", &s[..60]);
        assert!(!s.contains("<?xml"));
        assert!(s.trim_end().ends_with("</svg>"));
    }
}
