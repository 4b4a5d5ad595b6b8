//! What every reader of `bulletin import` produces and the parser reads: a bulletin's lines with
//! what is known about each ([`Input`], [`LineHint`]), and the tables and pictures they stand for
//! ([`Object`], [`Table`], [`Picture`]).
//!
//! A leaf of `import/`, below the readers (`docx`, `pdf`, `decode` by way of `input`), so that no
//! reader depends on another: the PDF reader builds the same tables and captions as the Word
//! reader without borrowing its types.

use super::text;

/// A bulletin read from its file.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// Its text, one line per line of the bulletin.
    pub text: String,
    /// What is known about each line beyond its text (empty for plain text).
    pub hints: Vec<LineHint>,
    /// What it was read as: `UTF-8`, `GB18030`, `Word .docx`, `PDF`….
    pub format: String,
    /// The tables and pictures that [`LineHint::object`] numbers.
    pub objects: Vec<Object>,
    pub tables: Vec<Table>,
    pub pictures: Vec<Picture>,
    /// Things worth a warning about how the file was read.
    pub notes: Vec<String>,
    /// Pictures left out as page furniture (rules, logos): too small, or on every page.
    pub skipped_pictures: usize,
}

/// What the input knows about a line beyond its text: a Word file knows where its paragraphs
/// start, which characters are bold, which paragraphs are headings, and where its tables and
/// pictures stand. Plain text has none of it (every hint is the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineHint {
    /// The line starts a paragraph of its own: it never continues the one before.
    pub starts_paragraph: bool,
    /// How many of its non-space characters from the start are bold.
    pub bold_lead: usize,
    /// It is set as a title: a heading or title style, centered and bold, or larger than the text.
    pub title: bool,
    /// It is set as body text (a PDF's indented first line of a paragraph): never a title.
    pub body: bool,
    /// A space stood between it and the line before (a PDF line wrapped at a space): when it
    /// continues that line's paragraph, the space is kept.
    pub space_before: bool,
    /// It stands for a table or picture (its text is only a placeholder for messages).
    pub object: Option<usize>,
}

/// A table or a picture, by its index in [`Input::tables`] or [`Input::pictures`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Table(usize),
    Picture(usize),
}

/// A table: rows of cell texts, merged cells written out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    /// The text of every cell as the file has it, once each: what must be found in the rows.
    pub cells: Vec<String>,
    /// Whether cells were merged (their text now stands in each cell they covered).
    pub merged: bool,
}

/// A picture of `word/media/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Its part name, `word/media/image1.jpeg`.
    pub part: String,
    /// The file extension, lower case: `jpg`, `png`, `gif`…
    pub ext: String,
    pub data: Vec<u8>,
    /// The caption under it, when there is one.
    pub alt: Option<String>,
}

/// A caption under a picture: `图为…`, `图1…`, `图 1 …`, `图一…`, `（图为…）`.
pub fn is_caption(s: &str) -> bool {
    let t = text::clean_line(s).0;
    let t = t.trim_start_matches(['（', '(']);
    let Some(rest) = t.strip_prefix('图') else {
        return false;
    };
    let rest = rest.trim_start();
    text::len(t) <= 120
        && (rest.starts_with('为')
            || rest.starts_with(|c: char| c.is_ascii_digit() || text::is_numeral(c))
            || rest.starts_with(['：', ':']))
}
