//! The walk over a part's XML events: paragraphs, runs, fields, tracked changes, text boxes,
//! notes, tables and pictures, as the module above describes.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::{
    DocxError, MAX_DEPTH, Object, Para, Table, attr, dtd_error, err, reader, toggle, xml_error,
};
use crate::import::lines::Turn;
use crate::import::text;

/// A paragraph being read.
#[derive(Default)]
struct OpenPara {
    para: Para,
    /// Text of the current line.
    line: String,
    /// Whether only bold text has been seen so far.
    bold_so_far: bool,
    any_text: bool,
    /// Pictures in it, by reference index, and paragraphs of its text boxes and footnotes, to
    /// follow it.
    after: Vec<Para>,
    style: Option<String>,
}

/// A table being read.
#[derive(Default)]
struct OpenTable {
    /// Rows of cells: text, columns spanned, and whether it continues a vertical merge.
    rows: Vec<Vec<(String, usize, bool)>>,
    cell: Option<(String, usize, bool)>,
    /// Pictures found in its cells, to follow it.
    after: Vec<Para>,
}

/// Where in a field we are: its instruction is skipped, its result read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Instruction,
    Result,
}

pub(super) struct Walker<'s> {
    headings: &'s [String],
    pub(super) out: Vec<Para>,
    pub(super) tables: Vec<Table>,
    /// What a warning should say, in English and Chinese.
    pub(super) notes: Vec<[String; 2]>,
    /// Relationship ids of the pictures found, indexed by `Object::Picture` until resolved.
    pub(super) picture_refs: Vec<String>,
    /// How the document turns each picture of `picture_refs`, by the same index.
    pub(super) picture_turns: Vec<Turn>,
    /// Inside a DrawingML `pic:pic`: the index its picture has (or will have) in `picture_refs`.
    /// Its `a:xfrm` comes after its `a:blip`, so the turn is set on a picture already found.
    pic: Option<usize>,
    /// Inside that `pic:pic`'s `pic:spPr`, where its `a:xfrm` is.
    in_pic_sppr: bool,
    /// The turn of the VML `v:shape` we are in, for its `v:imagedata`.
    vml_turn: Option<Turn>,
    paras: Vec<OpenPara>,
    table_stack: Vec<OpenTable>,
    fields: Vec<Field>,
    /// Depth of elements whose text is not read (`w:del`, `mc:Fallback`…); 0 when reading.
    skip: usize,
    /// Inside a `w:t`, where a run's text is.
    in_t: bool,
    in_ppr: bool,
    in_rpr: bool,
    run_bold: bool,
    run_size: u32,
    pub(super) footnotes: HashMap<String, Vec<Para>>,
    pub(super) endnotes: HashMap<String, Vec<Para>>,
    pub(super) notes_by_id: HashMap<String, Vec<Para>>,
    note_id: Option<String>,
    note_paras: Vec<Para>,
}

/// Elements whose whole content is not text of the document.
const SKIPPED: &[&[u8]] = &[
    b"w:del",
    b"w:moveFrom",
    b"mc:Fallback",
    b"w:instrText",
    b"w:delText",
    b"w:delInstrText",
    b"w:commentReference",
    b"w:annotationRef",
];

impl<'s> Walker<'s> {
    pub(super) fn new(headings: &'s [String]) -> Self {
        Walker {
            headings,
            out: Vec::new(),
            tables: Vec::new(),
            notes: Vec::new(),
            picture_refs: Vec::new(),
            picture_turns: Vec::new(),
            pic: None,
            in_pic_sppr: false,
            vml_turn: None,
            paras: Vec::new(),
            table_stack: Vec::new(),
            fields: Vec::new(),
            skip: 0,
            in_t: false,
            in_ppr: false,
            in_rpr: false,
            run_bold: false,
            run_size: 0,
            footnotes: HashMap::new(),
            endnotes: HashMap::new(),
            notes_by_id: HashMap::new(),
            note_id: None,
            note_paras: Vec::new(),
        }
    }

    pub(super) fn walk(&mut self, xml: &[u8], part: &str) -> Result<(), DocxError> {
        let mut r = reader(xml);
        let mut depth = 0usize;
        loop {
            let ev = r
                .read_event()
                .map_err(|e| xml_error(part, r.error_position(), e))?;
            match ev {
                Event::Start(e) => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(err(
                            [
                                format!("nests elements more than {MAX_DEPTH} deep in {part}"),
                                format!("{part} 里的元素嵌套超过 {MAX_DEPTH} 层"),
                            ],
                            [
                                "a Word document never does; the file is damaged or made to harm",
                                "正常的 Word 文档不会这样；文件已经损坏，或是有意做来搞破坏的",
                            ],
                        ));
                    }
                    if self.skip > 0 || SKIPPED.contains(&e.name().as_ref()) {
                        self.skip += 1;
                        continue;
                    }
                    self.start(&e, false);
                }
                Event::Empty(e) if self.skip == 0 && !SKIPPED.contains(&e.name().as_ref()) => {
                    self.start(&e, true);
                }
                Event::End(e) => {
                    depth = depth.saturating_sub(1);
                    if self.skip > 0 {
                        self.skip -= 1;
                        continue;
                    }
                    self.end(e.name().as_ref());
                }
                Event::Text(t) if self.reading_text() => {
                    let s = t
                        .xml10_content()
                        .map_err(|e| xml_error(part, r.error_position(), e))?;
                    self.text(&s);
                }
                Event::CData(t) if self.reading_text() => {
                    let s = String::from_utf8_lossy(&t).into_owned();
                    self.text(&s);
                }
                Event::GeneralRef(g) => {
                    let c = match g.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = g.decode().unwrap_or_default().into_owned();
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => s.to_string(),
                                None => {
                                    return Err(err(
                                        [
                                            format!(
                                                "uses the undefined entity `&{name};` in {part}"
                                            ),
                                            format!("{part} 里用了没有定义的实体 `&{name};`"),
                                        ],
                                        [
                                            "Word and WPS write only the five XML entities; save the document again from Word or WPS",
                                            "Word 和 WPS 只会写 XML 的五个标准实体；请用 Word 或 WPS 重新保存这个文档",
                                        ],
                                    ));
                                }
                            }
                        }
                        Err(e) => return Err(xml_error(part, r.error_position(), e)),
                    };
                    if self.reading_text() {
                        self.text(&c);
                    }
                }
                Event::DocType(_) => return Err(dtd_error(part)),
                Event::Eof => break,
                _ => {}
            }
        }
        // A paragraph left open by a file cut short: keep what was read.
        while !self.paras.is_empty() {
            self.end(b"w:p");
        }
        Ok(())
    }

    /// Whether text seen now is document text: inside a `w:t` of a paragraph, outside a field's
    /// instruction.
    fn reading_text(&self) -> bool {
        self.in_t
            && self.skip == 0
            && !self.paras.is_empty()
            && !self.in_ppr
            && !self.in_rpr
            && self.fields.last() != Some(&Field::Instruction)
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        match name.as_ref() {
            b"w:p" => {
                if !empty {
                    self.paras.push(OpenPara {
                        bold_so_far: true,
                        ..OpenPara::default()
                    });
                } else if self.table_stack.is_empty() {
                    self.out.push(Para::default());
                }
            }
            b"w:pPr" if !empty => self.in_ppr = true,
            b"w:rPr" if !empty => self.in_rpr = true,
            b"w:r" => {
                self.run_bold = false;
                self.run_size = 0;
            }
            b"w:b" if self.in_rpr && !self.in_ppr => self.run_bold = toggle(e),
            b"w:sz" if self.in_rpr && !self.in_ppr => {
                self.run_size = attr(e, b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
            }
            b"w:jc" if self.in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.para.centered = attr(e, b"w:val").as_deref() == Some("center");
                }
            }
            b"w:pStyle" if self.in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, b"w:val");
                }
            }
            b"w:outlineLvl" if self.in_ppr => {
                if let Some(p) = self.paras.last_mut() {
                    p.para.heading = true;
                }
            }
            b"w:t" => self.in_t = !empty,
            b"w:tab" if !self.in_ppr => self.text_raw(" "),
            b"w:br" | b"w:cr" => {
                let page = attr(e, b"w:type").is_some_and(|t| t == "page" || t == "column");
                if !page && let Some(p) = self.paras.last_mut() {
                    let line = std::mem::take(&mut p.line);
                    p.para.lines.push(line);
                }
            }
            b"w:noBreakHyphen" => self.text_raw("-"),
            b"w:fldChar" => match attr(e, b"w:fldCharType").as_deref() {
                Some("begin") => self.fields.push(Field::Instruction),
                Some("separate") => {
                    if let Some(f) = self.fields.last_mut() {
                        *f = Field::Result;
                    }
                }
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            b"a:blip" => {
                if let Some(id) = attr(e, b"r:embed").or_else(|| attr(e, b"r:link")) {
                    self.picture(id, Turn::NONE);
                }
            }
            b"pic:pic" if !empty => {
                self.pic = Some(self.picture_refs.len());
                self.in_pic_sppr = false;
            }
            b"pic:spPr" if !empty && self.pic.is_some() => self.in_pic_sppr = true,
            b"a:xfrm" if self.in_pic_sppr => {
                if let Some(t) = self.pic.and_then(|k| self.picture_turns.get_mut(k)) {
                    *t = Turn::new(
                        attr(e, b"rot")
                            .and_then(|r| r.trim().parse::<i64>().ok())
                            .unwrap_or(0),
                        attr(e, b"flipH").is_some_and(|v| on(&v)),
                        attr(e, b"flipV").is_some_and(|v| on(&v)),
                    );
                }
            }
            b"v:shape" | b"v:rect" if !empty => {
                self.vml_turn = Some(attr(e, b"style").map_or(Turn::NONE, |s| vml_turn(&s)));
            }
            b"v:imagedata" => {
                if let Some(id) = attr(e, b"r:id") {
                    self.picture(id, self.vml_turn.unwrap_or_default());
                }
            }
            b"w:footnoteReference" | b"w:endnoteReference" => {
                let notes = if name.as_ref() == b"w:footnoteReference" {
                    &self.footnotes
                } else {
                    &self.endnotes
                };
                if let Some(id) = attr(e, b"w:id")
                    && let Some(paras) = notes.get(&id).cloned()
                    && let Some(p) = self.paras.last_mut()
                {
                    p.after.extend(paras);
                }
            }
            b"w:footnote" | b"w:endnote" if !empty => {
                self.note_id = attr(e, b"w:id");
                self.note_paras.clear();
            }
            b"w:tbl" if !empty => self.table_stack.push(OpenTable::default()),
            b"w:tr" if !empty => {
                if let Some(t) = self.table_stack.last_mut() {
                    t.rows.push(Vec::new());
                }
            }
            b"w:tc" => {
                if let Some(t) = self.table_stack.last_mut() {
                    t.cell = Some((String::new(), 1, false));
                    if empty && let Some(row) = t.rows.last_mut() {
                        row.push((String::new(), 1, false));
                        t.cell = None;
                    }
                }
            }
            b"w:gridSpan" => {
                if let Some((_, span, _)) =
                    self.table_stack.last_mut().and_then(|t| t.cell.as_mut())
                {
                    *span = attr(e, b"w:val")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 64);
                }
            }
            b"w:vMerge" => {
                if let Some((_, _, cont)) =
                    self.table_stack.last_mut().and_then(|t| t.cell.as_mut())
                {
                    *cont = attr(e, b"w:val").as_deref() != Some("restart");
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"pic:pic" => {
                self.pic = None;
                self.in_pic_sppr = false;
            }
            b"pic:spPr" => self.in_pic_sppr = false,
            b"v:shape" | b"v:rect" => self.vml_turn = None,
            b"w:t" => self.in_t = false,
            b"w:pPr" => self.in_ppr = false,
            b"w:rPr" => self.in_rpr = false,
            b"w:p" => {
                let Some(mut open) = self.paras.pop() else {
                    return;
                };
                let line = std::mem::take(&mut open.line);
                open.para.lines.push(line);
                open.para
                    .lines
                    .retain(|l| !l.trim_matches(text::is_space).is_empty());
                open.para.all_bold = open.any_text && open.bold_so_far;
                if open
                    .style
                    .as_ref()
                    .is_some_and(|s| self.headings.contains(s))
                {
                    open.para.heading = true;
                }
                let mut done = vec![open.para];
                done.append(&mut open.after);
                if let Some(outer) = self.paras.last_mut() {
                    // A text box's paragraphs follow the paragraph that anchors it.
                    outer.after.extend(done);
                } else if let Some(t) = self.table_stack.last_mut() {
                    if let Some((cell, _, _)) = t.cell.as_mut() {
                        for p in done {
                            if p.object.is_some() {
                                t.after.push(p);
                                continue;
                            }
                            for l in p.lines {
                                if !cell.is_empty() {
                                    cell.push(' ');
                                }
                                cell.push_str(&text::clean_line(&l).0);
                            }
                        }
                    }
                } else if self.note_id.is_some() {
                    self.note_paras.extend(done);
                } else {
                    self.out.extend(done);
                }
            }
            b"w:tc" => {
                if let Some(t) = self.table_stack.last_mut()
                    && let Some(cell) = t.cell.take()
                    && let Some(row) = t.rows.last_mut()
                {
                    row.push(cell);
                }
            }
            b"w:tbl" => {
                let Some(mut open) = self.table_stack.pop() else {
                    return;
                };
                let mut after = std::mem::take(&mut open.after);
                let table = grid(open.rows);
                if let Some(outer) = self.table_stack.last_mut()
                    && let Some((cell, _, _)) = outer.cell.as_mut()
                {
                    // A table in a table: its cells' text goes into the outer cell.
                    outer.after.append(&mut after);
                    for row in &table.rows {
                        for c in row {
                            if !cell.is_empty() {
                                cell.push(' ');
                            }
                            cell.push_str(c);
                        }
                    }
                    return;
                }
                let k = self.tables.len();
                self.tables.push(table);
                let mut paras = vec![Para {
                    object: Some(Object::Table(k)),
                    ..Para::default()
                }];
                paras.append(&mut after);
                if let Some(p) = self.paras.last_mut() {
                    p.after.extend(paras);
                } else if self.note_id.is_some() {
                    self.note_paras.extend(paras);
                } else {
                    self.out.extend(paras);
                }
            }
            b"w:footnote" | b"w:endnote" => {
                if let Some(id) = self.note_id.take() {
                    let paras = std::mem::take(&mut self.note_paras);
                    self.notes_by_id.insert(id, paras);
                }
            }
            _ => {}
        }
    }

    fn picture(&mut self, rid: String, turn: Turn) {
        let k = self.picture_refs.len();
        self.picture_refs.push(rid);
        self.picture_turns.push(turn);
        let para = Para {
            object: Some(Object::Picture(k)),
            ..Para::default()
        };
        match self.paras.last_mut() {
            Some(p) => p.after.push(para),
            None => self.out.push(para),
        }
    }

    fn text(&mut self, s: &str) {
        let bold = self.run_bold;
        let size = self.run_size;
        if let Some(p) = self.paras.last_mut() {
            p.line.push_str(s);
            let letters = s.chars().filter(|c| !text::is_space(*c)).count();
            if letters > 0 {
                p.any_text = true;
                if p.bold_so_far && bold {
                    p.para.bold_lead += letters;
                } else {
                    p.bold_so_far = false;
                }
                p.para.size = p.para.size.max(size);
            }
        }
    }

    /// Text that is not a run's own (a tab, a hyphen): no effect on boldness.
    fn text_raw(&mut self, s: &str) {
        if self.skip == 0
            && self.fields.last() != Some(&Field::Instruction)
            && let Some(p) = self.paras.last_mut()
        {
            p.line.push_str(s);
        }
    }
}

/// An XML boolean (`1`, `true`) is on; `0`, `false` are off.
fn on(v: &str) -> bool {
    matches!(v.trim(), "1" | "true" | "on")
}

/// The turn of a VML shape from its `style`: `rotation:90` (degrees clockwise, or `5898240fd`
/// in 65,536ths of a degree) and `flip:x`, `flip:y` or `flip:x y`.
pub(super) fn vml_turn(style: &str) -> Turn {
    let mut rot = 0i64;
    let (mut flip_h, mut flip_v) = (false, false);
    for decl in style.split(';') {
        let Some((key, value)) = decl.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "rotation" => {
                let degrees = match value.strip_suffix("fd") {
                    Some(fd) => fd.trim().parse::<f64>().ok().map(|v| v / 65_536.0),
                    None => value.trim_end_matches("deg").trim().parse::<f64>().ok(),
                };
                if let Some(d) = degrees.filter(|d| d.is_finite() && d.abs() < 1e9) {
                    rot = (d * 60_000.0).round() as i64;
                }
            }
            "flip" => {
                flip_h = value.contains('x');
                flip_v = value.contains('y');
            }
            _ => {}
        }
    }
    Turn::new(rot, flip_h, flip_v)
}

/// Rows of (text, span, continues-a-vertical-merge) → a rectangular grid with merged cells
/// written out in every cell they cover.
fn grid(rows: Vec<Vec<(String, usize, bool)>>) -> Table {
    let mut table = Table::default();
    let width = rows
        .iter()
        .map(|r| r.iter().map(|c| c.1).sum::<usize>())
        .max()
        .unwrap_or(0);
    let mut out: Vec<Vec<String>> = Vec::new();
    for row in rows {
        let mut cells: Vec<String> = Vec::with_capacity(width);
        for (text, span, cont) in row {
            let col = cells.len();
            let value = if cont {
                table.merged = true;
                let above = out
                    .last()
                    .and_then(|r| r.get(col))
                    .cloned()
                    .unwrap_or_default();
                if !text.is_empty() {
                    table.cells.push(text.clone());
                }
                if text.is_empty() {
                    above
                } else {
                    format!("{above} {text}")
                }
            } else {
                table.cells.push(text.clone());
                text
            };
            if span > 1 {
                table.merged = true;
            }
            for _ in 0..span {
                cells.push(value.clone());
            }
        }
        cells.resize(width, String::new());
        out.push(cells);
    }
    table.rows = out;
    table
}
