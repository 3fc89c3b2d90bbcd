//! Attachments: photos and receipts on an item. What a file is comes from its bytes, never from
//! its name or the type the browser claims; photos are decoded under memory limits (which also
//! proves they are images) and get a small JPEG thumbnail with the camera's rotation applied.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::Serialize;
use time::OffsetDateTime;

use super::model::{AttachmentId, ClaimId, FieldError, ItemId};
use super::sentence::Sentence;
use crate::user::UserId;

/// The most one file may hold (a phone photo is 2–6 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ATTACHMENTS_PER_ITEM: usize = 10;
/// All of a claim's files together: room for hundreds of phone photos, and a bound on what one
/// policyholder can put on the disk (5 000 items × 10 files × 10 MiB would be 500 GB).
pub const MAX_ATTACHMENT_BYTES_PER_CLAIM: i64 = 2 * 1024 * 1024 * 1024;
/// Photos wider or taller than this are refused: decoding them would take too much memory.
pub const MAX_IMAGE_SIDE: u32 = 12_000;
/// 50 megapixels: a camera's high-resolution mode, decoded as RGB in about 150 MiB.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;
/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
pub const MAX_FILE_NAME_CHARS: usize = 120;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Jpeg,
    Png,
    Pdf,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "jpeg",
            AttachmentKind::Png => "png",
            AttachmentKind::Pdf => "pdf",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [AttachmentKind::Jpeg, AttachmentKind::Png, AttachmentKind::Pdf].into_iter().find(|k| k.as_str() == text)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "jpg",
            AttachmentKind::Png => "png",
            AttachmentKind::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, AttachmentKind::Pdf)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub claim_id: ClaimId,
    pub item_id: ItemId,
    pub kind: AttachmentKind,
    /// The name it was uploaded with, cleaned (see [`clean_file_name`]); for display only.
    pub file_name: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    pub has_thumbnail: bool,
    pub uploaded_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Attachment {
    /// Where the file lives in the [`crate::files::FileStore`].
    pub fn file_key(&self) -> String {
        format!("{}/{}.{}", self.claim_id, self.id, self.kind.extension())
    }

    pub fn thumbnail_key(&self) -> String {
        format!("{}/{}-thumb.jpg", self.claim_id, self.id)
    }
}

/// A checked upload, ready to store.
#[derive(Debug, Clone)]
pub struct PreparedFile {
    pub kind: AttachmentKind,
    /// JPEG bytes, for photos.
    pub thumbnail: Option<Vec<u8>>,
}

/// The file's kind from its first bytes: JPEG (`FF D8 FF`), PNG (its 8-byte signature), PDF
/// (`%PDF-`). Three fixed signatures do not need a sniffing crate; photos are decoded next,
/// which is the real check.
pub fn sniff(bytes: &[u8]) -> Option<AttachmentKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(AttachmentKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(AttachmentKind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(AttachmentKind::Pdf)
    } else {
        None
    }
}

/// Checks an upload's bytes and, for photos, makes the thumbnail. CPU-heavy for big photos:
/// call it on a blocking thread.
pub fn prepare(bytes: &[u8]) -> Result<PreparedFile, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new("file", Sentence::text("claim-file-empty")));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(too_big());
    }
    let kind = sniff(bytes).ok_or_else(|| FieldError::new("file", Sentence::text("claim-file-wrong-kind")))?;
    match kind {
        AttachmentKind::Pdf => {
            // A PDF's trailer ends with %%EOF (possibly followed by line breaks); a file cut off
            // in transfer lacks it.
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            if !tail.windows(5).any(|w| w == b"%%EOF") {
                return Err(FieldError::new("file", Sentence::text("claim-file-pdf-damaged")));
            }
            Ok(PreparedFile { kind, thumbnail: None })
        }
        AttachmentKind::Jpeg | AttachmentKind::Png => {
            let format = if kind == AttachmentKind::Jpeg { ImageFormat::Jpeg } else { ImageFormat::Png };
            let small = decode_to_thumbnail(bytes, format)?;
            Ok(PreparedFile { kind, thumbnail: Some(encode_thumbnail(&small)?) })
        }
    }
}

pub fn too_big() -> FieldError {
    FieldError::new("file", Sentence::text("claim-file-too-big").arg("mib", MAX_ATTACHMENT_BYTES / (1024 * 1024)))
}

fn damaged(kind: &str) -> FieldError {
    FieldError::new("file", Sentence::text("claim-file-image-damaged").arg("kind", kind))
}

/// Decoded pixels may take at most this much memory. `ImageReader::into_decoder` does not apply
/// `Limits::max_alloc` to the pixel buffer (image 0.25), so the decoder's own count is checked
/// before any pixel is decoded: a 372 KiB PNG can declare 49 megapixels of 16-bit RGBA (392 MB).
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// The photo as a small image, already turned upright: only the thumbnail is ever rotated, so
/// one full-size buffer is the most a photo costs.
fn decode_to_thumbnail(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, FieldError> {
    let name = if format == ImageFormat::Jpeg { "JPEG" } else { "PNG" };
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| size_or_damaged(&e, name))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS || decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(too_many_pixels());
    }
    let orientation = decoder.orientation().ok();
    let image = DynamicImage::from_decoder(decoder).map_err(|e| size_or_damaged(&e, name))?;
    let mut small = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    drop(image);
    if let Some(o) = orientation {
        small.apply_orientation(o);
    }
    Ok(small)
}

fn too_many_pixels() -> FieldError {
    FieldError::new(
        "file",
        Sentence::text("claim-file-too-many-pixels")
            .arg("megapixels", MAX_IMAGE_PIXELS / 1_000_000)
            .arg("side", MAX_IMAGE_SIDE),
    )
}

fn size_or_damaged(e: &image::ImageError, name: &str) -> FieldError {
    match e {
        image::ImageError::Limits(_) => too_many_pixels(),
        _ => damaged(name),
    }
}

fn encode_thumbnail(small: &DynamicImage) -> Result<Vec<u8>, FieldError> {
    let small = small.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .map_err(|_| FieldError::new("file", Sentence::text("claim-file-no-thumbnail")))?;
    Ok(out)
}

/// The last path segment of an uploaded name, without control characters or quotes, at most
/// [`MAX_FILE_NAME_CHARS`]; empty becomes `attachment.<ext>`.
pub fn clean_file_name(name: &str, kind: AttachmentKind) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '"' | '<' | '>' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect::<String>()
        .trim()
        .to_owned();
    let mut shortened: String = cleaned.chars().take(MAX_FILE_NAME_CHARS).collect();
    if shortened.trim_matches('.').is_empty() {
        shortened = format!("attachment.{}", kind.extension());
    }
    shortened
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, 40, (y % 256) as u8]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
        out
    }

    fn thumb_size(bytes: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).unwrap();
        (img.width(), img.height())
    }

    #[test]
    fn photos_are_decoded_and_get_a_thumbnail_that_keeps_the_shape() {
        let p = prepare(&jpeg(1200, 800)).unwrap();
        assert_eq!(p.kind, AttachmentKind::Jpeg);
        assert_eq!(thumb_size(&p.thumbnail.unwrap()), (320, 213));
        let p = prepare(&png(100, 400)).unwrap();
        assert_eq!(p.kind, AttachmentKind::Png);
        assert_eq!(thumb_size(&p.thumbnail.unwrap()), (80, 320));
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(sniff(b"GIF89a...."), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(AttachmentKind::Pdf));
        let err = prepare(b"GIF89a\x01\x00\x01\x00").unwrap_err();
        assert_eq!(err.field, "file");
        assert!(err.message.contains("JPEG and PNG"), "{}", err.message);
    }

    #[test]
    fn truncated_or_fake_images_are_refused() {
        // PNG is checked strictly (chunk CRCs, the end of the image data). JPEG decoding is
        // lenient, as in browsers: a cut-off JPEG shows with a grey band instead of failing.
        let full = png(400, 300);
        let cut = &full[..full.len() / 2];
        assert!(prepare(cut).unwrap_err().message.contains("damaged"));
        assert!(prepare(&jpeg(400, 300)[..40]).unwrap_err().message.contains("damaged"));
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(b"not really a png at all");
        assert!(prepare(&fake).unwrap_err().message.contains("damaged"));
    }

    #[test]
    fn pdfs_need_their_trailer() {
        assert_eq!(
            prepare(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n").unwrap().kind,
            AttachmentKind::Pdf
        );
        assert!(prepare(b"%PDF-1.4\n1 0 obj\n<<>>\n").unwrap_err().message.contains("incomplete"));
    }

    #[test]
    fn sizes_are_limited() {
        assert!(prepare(b"").unwrap_err().message.contains("empty"));
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
        assert!(prepare(&big).unwrap_err().message.contains("at most 10 MiB"));
    }

    #[test]
    fn a_tiny_file_declaring_a_huge_image_is_refused_before_decoding() {
        // A valid PNG header claiming 20000 × 20000 pixels, with almost no data behind it.
        let mut header = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&20_000u32.to_be_bytes());
        ihdr.extend_from_slice(&20_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        header.extend_from_slice(&13u32.to_be_bytes());
        header.extend_from_slice(&ihdr);
        let crc = crc32(&ihdr);
        header.extend_from_slice(&crc.to_be_bytes());
        let err = prepare(&header).unwrap_err();
        assert!(err.message.contains("too large"), "{}", err.message);
    }

    /// A PNG chunk: length, type, data, CRC of type and data.
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
        out
    }

    #[test]
    fn a_photo_within_the_pixel_limits_but_too_deep_to_hold_is_refused_before_decoding() {
        // 7000 × 7000 is under 50 megapixels, but at 16-bit RGBA it decodes to 392 MB: the
        // declared size is refused before a pixel buffer exists (the data behind is not real).
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&7_000u32.to_be_bytes());
        ihdr.extend_from_slice(&7_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[16, 6, 0, 0, 0]);
        let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
        file.extend(chunk(b"IHDR", &ihdr));
        file.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00]));
        file.extend(chunk(b"IEND", &[]));
        let err = prepare(&file).unwrap_err();
        assert!(err.message.contains("too large"), "{}", err.message);
        // The same picture at 8-bit RGB (147 MB) is within the limits: it fails only as damaged.
        let mut ihdr8 = ihdr.clone();
        ihdr8[8..10].copy_from_slice(&[8, 2]);
        let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
        file.extend(chunk(b"IHDR", &ihdr8));
        file.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00]));
        file.extend(chunk(b"IEND", &[]));
        assert!(prepare(&file).unwrap_err().message.contains("damaged"));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn file_names_are_cleaned_for_display() {
        assert_eq!(clean_file_name("C:\\Users\\me\\IMG_0001.JPG", AttachmentKind::Jpeg), "IMG_0001.JPG");
        assert_eq!(clean_file_name("../../etc/passwd", AttachmentKind::Pdf), "passwd");
        assert_eq!(clean_file_name("a\"b<c>\n.pdf", AttachmentKind::Pdf), "abc.pdf");
        assert_eq!(clean_file_name("evil\u{202e}gpj.exe", AttachmentKind::Jpeg), "evilgpj.exe");
        assert_eq!(clean_file_name("", AttachmentKind::Png), "attachment.png");
        assert_eq!(clean_file_name("...", AttachmentKind::Png), "attachment.png");
        assert_eq!(clean_file_name(&"x".repeat(500), AttachmentKind::Png).chars().count(), MAX_FILE_NAME_CHARS);
    }
}
