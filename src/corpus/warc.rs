//! STUB (the warc helper's module replaces it at merge).
#[derive(Debug, Clone, Default)]
pub struct ArchivedPage {
    pub record: String,
    pub url: String,
    pub date: Option<String>,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub title: Option<String>,
}
#[derive(Debug, Clone, Default)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub date: Option<String>,
}
#[derive(Debug, Clone, Default)]
pub struct ArchiveContents {
    pub pages: Vec<ArchivedPage>,
    pub redirects: Vec<Redirect>,
    pub notes: Vec<String>,
}
#[derive(Debug, Clone, Copy, Default)]
pub struct ArchiveLimits;
pub fn read_warc(_bytes: &[u8], _limits: ArchiveLimits) -> Result<ArchiveContents, String> {
    Err("stub".into())
}
pub fn read_wacz(_bytes: &[u8], _limits: ArchiveLimits) -> Result<ArchiveContents, String> {
    Err("stub".into())
}
pub fn decode_page(body: &[u8], _content_type: Option<&str>) -> (String, Option<String>) {
    (String::from_utf8_lossy(body).into_owned(), None)
}
