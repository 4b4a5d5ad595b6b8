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
    /// Things worth a warning about how the file was read, in English and Chinese.
    pub notes: Vec<[String; 2]>,
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
    /// The same for a Chinese message (a PDF's `第 2 页的图片 /Im5（对象 12）`).
    pub part_zh: String,
    /// The file extension, lower case: `jpg`, `png`, `gif`…
    pub ext: String,
    pub data: Vec<u8>,
    /// The caption under it, when there is one.
    pub alt: Option<String>,
    /// How the document turns and flips it to show it ([`Turn::NONE`] when as stored).
    pub turn: Turn,
}

/// How a document shows a picture relative to its stored pixels: flipped (about the middle of
/// its box), then turned clockwise, as DrawingML's `a:xfrm` (`rot`, `flipH`, `flipV`) and VML's
/// `rotation`/`flip` say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Turn {
    /// Clockwise, in 60,000ths of a degree (DrawingML's unit), from 0 up to a whole turn.
    pub rot: i64,
    /// Mirrored left to right.
    pub flip_h: bool,
    /// Mirrored top to bottom.
    pub flip_v: bool,
}

/// A whole turn in [`Turn::rot`]'s unit.
const FULL_TURN: i64 = 360 * 60_000;

impl Turn {
    /// As stored.
    pub const NONE: Turn = Turn {
        rot: 0,
        flip_h: false,
        flip_v: false,
    };

    /// A turn of `rot` 60,000ths of a degree clockwise (any sign, any number of turns) with
    /// these flips.
    pub fn new(rot: i64, flip_h: bool, flip_v: bool) -> Turn {
        Turn {
            rot: rot.rem_euclid(FULL_TURN),
            flip_h,
            flip_v,
        }
    }

    /// Whether the picture is shown as it is stored.
    pub fn is_none(self) -> bool {
        self == Turn::NONE
    }

    /// The clockwise turn in quarter turns (0 to 3), `None` when it is not a multiple of 90°.
    pub fn quarters(self) -> Option<u8> {
        (self.rot % (FULL_TURN / 4) == 0).then_some((self.rot / (FULL_TURN / 4)) as u8)
    }

    /// The clockwise turn in degrees, as a person would write it (`90`, `12.5`).
    pub fn degrees(self) -> String {
        let whole = self.rot / 60_000;
        let rest = self.rot % 60_000;
        if rest == 0 {
            whole.to_string()
        } else {
            let s = format!("{:.3}", self.rot as f64 / 60_000.0);
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
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
