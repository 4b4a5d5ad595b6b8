use std::io::Write;

use super::*;
use crate::import::lines::Turn;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

/// A .docx in memory with these parts.
fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// A .docx whose body is `body`.
fn body(body: &str) -> Vec<u8> {
    let xml =
        format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
    docx(&[("word/document.xml", xml.as_bytes())])
}

fn texts(d: &Docx) -> Vec<String> {
    d.paragraphs
        .iter()
        .filter(|p| p.object.is_none())
        .map(|p| p.lines.join("|"))
        .collect()
}

#[test]
fn runs_join_into_paragraphs_and_breaks_make_lines() {
    let d = read(&body(
        r#"<w:p><w:r><w:t>赣州市“五型”政府建设</w:t></w:r><w:r><w:br/></w:r><w:r><w:t>工作</w:t></w:r><w:r><w:t xml:space="preserve">简报 &amp; 附&#x4EF6;</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>编</w:t><w:tab/><w:t>2021 年</w:t></w:r></w:p>"#,
    ))
    .unwrap();
    assert_eq!(
        texts(&d),
        ["赣州市“五型”政府建设|工作简报 & 附件", "编 2021 年"]
    );
}

#[test]
fn tracked_deletions_comments_and_field_instructions_are_not_text() {
    let d = read(&body(
        r#"<w:p><w:r><w:t>甲</w:t></w:r><w:ins w:id="1"><w:r><w:t>乙</w:t></w:r></w:ins><w:del w:id="2"><w:r><w:delText>删</w:delText></w:r></w:del><w:commentRangeStart w:id="3"/><w:r><w:t>丙</w:t></w:r><w:r><w:commentReference w:id="3"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:moveFrom><w:r><w:t>旧</w:t></w:r></w:moveFrom></w:p>"#,
    ))
    .unwrap();
    assert_eq!(texts(&d), ["甲乙丙7"]);
}

#[test]
fn bold_lead_ins_centering_and_heading_styles_are_noted() {
    let styles = format!(
        r#"<w:styles {W}><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body Text"/></w:style></w:styles>"#
    );
    let doc = format!(
        r#"<w:document {W}><w:body><w:p><w:pPr><w:pStyle w:val="1"/><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t>于都县推进学前教育</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="44"/></w:rPr><w:t>标 题</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>一、加强领导</w:t></w:r><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>。正文。</w:t></w:r></w:p></w:body></w:document>"#
    );
    let d = read(&docx(&[
        ("word/document.xml", doc.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
    ]))
    .unwrap();
    let p = &d.paragraphs;
    assert!(p[0].heading && !p[0].centered && !p[0].all_bold);
    assert!(p[1].centered && p[1].all_bold && p[1].size == 44 && !p[1].heading);
    assert_eq!((p[2].bold_lead, p[2].all_bold), (6, false));
}

#[test]
fn text_boxes_are_read_once_and_fallbacks_not_at_all() {
    let d = read(&body(
        r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
    ))
    .unwrap();
    assert_eq!(texts(&d), ["正文", "框内"]);
}

#[test]
fn footnotes_and_endnotes_follow_the_paragraph_that_refers_to_them() {
    let notes = format!(
        r#"<w:footnotes {W}><w:footnote w:id="0"><w:p/></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>注：数据截至六月。</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    // Endnotes are numbered apart from footnotes: endnote 2 is not footnote 2.
    let endnotes = format!(
        r#"<w:endnotes {W}><w:endnote w:id="2"><w:p><w:r><w:t>尾注：来源县统计局。</w:t></w:r></w:p></w:endnote></w:endnotes>"#
    );
    let doc = format!(
        r#"<w:document {W}><w:body><w:p><w:r><w:t>正文。</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p><w:p><w:r><w:t>下一段。</w:t></w:r><w:r><w:endnoteReference w:id="2"/></w:r></w:p></w:body></w:document>"#
    );
    let d = read(&docx(&[
        ("word/document.xml", doc.as_bytes()),
        ("word/footnotes.xml", notes.as_bytes()),
        ("word/endnotes.xml", endnotes.as_bytes()),
    ]))
    .unwrap();
    assert_eq!(
        texts(&d),
        [
            "正文。",
            "注：数据截至六月。",
            "下一段。",
            "尾注：来源县统计局。"
        ]
    );
}

#[test]
fn tables_become_grids_with_merged_cells_written_out() {
    let d = read(&body(
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>产业</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>企业</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>显示</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>表后。</w:t></w:r></w:p>"#,
    ))
    .unwrap();
    assert_eq!(d.paragraphs[0].object, Some(Object::Table(0)));
    let t = &d.tables[0];
    assert_eq!(
        t.rows,
        [
            ["产业", "企业"],
            ["显示", "甲 乙"],
            ["显示", "丙"],
            ["合计", "合计"]
        ]
    );
    assert!(t.merged);
    assert_eq!(t.cells, ["产业", "企业", "显示", "甲 乙", "丙", "合计"]);
    assert_eq!(texts(&d), ["表后。"]);
}

#[test]
fn pictures_are_read_from_media_with_a_caption_as_alt_text() {
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.jpeg"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/missing.png"/></Relationships>"#;
    let doc = format!(
        r#"<w:document {W}><w:body><w:p><w:r><w:drawing><a:blip r:embed="rId5"/></w:drawing></w:r></w:p><w:p><w:r><w:t>图为新建的幼儿园</w:t></w:r></w:p><w:p><w:r><w:drawing><a:blip r:embed="rId6"/></w:drawing></w:r></w:p><w:p><w:r><w:t>正文。</w:t></w:r></w:p></w:body></w:document>"#
    );
    let d = read(&docx(&[
        ("word/document.xml", doc.as_bytes()),
        ("word/_rels/document.xml.rels", rels),
        ("word/media/image1.jpeg", b"\xFF\xD8\xFFjpeg"),
    ]))
    .unwrap();
    assert_eq!(d.pictures.len(), 1);
    let pic = &d.pictures[0];
    assert_eq!(
        (pic.part.as_str(), pic.ext.as_str(), pic.alt.as_deref()),
        ("word/media/image1.jpeg", "jpg", Some("图为新建的幼儿园"))
    );
    assert_eq!(texts(&d), ["正文。"]);
    assert!(
        d.notes
            .iter()
            .any(|n| n[0].contains("word/media/missing.png")),
        "{:?}",
        d.notes
    );
}

/// A .docx whose body is `body`, with pictures rId1…rIdN in word/media/imageK.png.
fn with_pictures(body: &str, n: usize) -> Vec<u8> {
    let doc = format!(
        r#"<w:document {W} xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:v="urn:schemas-microsoft-com:vml"><w:body>{body}</w:body></w:document>"#
    );
    let mut rels = String::from(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut media = Vec::new();
    for k in 1..=n {
        rels.push_str(&format!(
            r#"<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image{k}.png"/>"#
        ));
        media.push((format!("word/media/image{k}.png"), format!("png{k}")));
    }
    rels.push_str("</Relationships>");
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("word/document.xml", doc.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
    ];
    for (name, data) in &media {
        parts.push((name, data.as_bytes()));
    }
    docx(&parts)
}

/// An inline DrawingML picture as Word writes one: the `a:xfrm` (with `xfrm` as its attributes)
/// in `pic:spPr`, after the `a:blip`.
fn inline_picture(rid: &str, xfrm: &str) -> String {
    format!(
        r#"<w:p><w:r><w:drawing><wp:inline><wp:extent cx="2160000" cy="3240000"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm {xfrm}><a:off x="0" y="0"/><a:ext cx="3240000" cy="2160000"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    )
}

#[test]
fn a_pictures_turn_and_flips_are_read_from_the_xfrm_after_its_blip() {
    let body = [
        inline_picture("rId1", r#"rot="5400000""#),
        inline_picture("rId2", r#"flipH="1" flipV="true""#),
        inline_picture("rId3", ""),
        inline_picture("rId4", r#"rot="-5400000" flipH="0""#),
        inline_picture("rId5", r#"rot="1800000""#),
    ]
    .concat();
    let d = read(&with_pictures(&body, 5)).unwrap();
    let turns: Vec<Turn> = d.pictures.iter().map(|p| p.turn).collect();
    assert_eq!(
        turns,
        [
            Turn::new(5_400_000, false, false),
            Turn::new(0, true, true),
            Turn::NONE,
            Turn::new(16_200_000, false, false),
            Turn::new(1_800_000, false, false),
        ]
    );
    assert_eq!(turns[0].quarters(), Some(1));
    assert_eq!(turns[3].quarters(), Some(3));
    assert_eq!(
        (turns[4].quarters(), turns[4].degrees()),
        (None, "30".into())
    );
    // Each picture is matched with its own file.
    let data: Vec<&[u8]> = d.pictures.iter().map(|p| p.data.as_slice()).collect();
    assert_eq!(data, [b"png1", b"png2", b"png3", b"png4", b"png5"]);
}

#[test]
fn a_shape_or_group_turned_around_a_picture_does_not_turn_another_picture() {
    // A group's own a:xfrm (in wpg:grpSpPr) is not the picture's, and the turn of one picture
    // never lands on the next.
    let body = format!(
        r#"<w:p><w:r><w:drawing><a:graphic><a:graphicData><wpg:wgp xmlns:wpg="g"><wpg:grpSpPr><a:xfrm rot="5400000"/></wpg:grpSpPr><pic:pic><pic:blipFill><a:blip r:embed="rId1"/></pic:blipFill><pic:spPr/></pic:pic></wpg:wgp></a:graphicData></a:graphic></w:drawing></w:r></w:p>{}"#,
        inline_picture("rId2", r#"rot="10800000""#)
    );
    let d = read(&with_pictures(&body, 2)).unwrap();
    let turns: Vec<Turn> = d.pictures.iter().map(|p| p.turn).collect();
    assert_eq!(turns, [Turn::NONE, Turn::new(10_800_000, false, false)]);
}

#[test]
fn a_vml_pictures_rotation_and_flip_are_read_from_its_shapes_style() {
    let body = r#"<w:p><w:r><w:pict><v:shape id="a" style="width:200pt;height:300pt;rotation:90;flip:x"><v:imagedata r:id="rId1"/></v:shape></w:pict></w:r></w:p><w:p><w:r><w:pict><v:shape id="b" style="width:200pt;height:300pt"><v:imagedata r:id="rId2"/></v:shape></w:pict></w:r></w:p><w:p><w:r><w:pict><v:shape id="c" style="rotation:-11796480fd;flip:x y"><v:imagedata r:id="rId3"/></v:shape></w:pict></w:r></w:p>"#;
    let d = read(&with_pictures(body, 3)).unwrap();
    let turns: Vec<Turn> = d.pictures.iter().map(|p| p.turn).collect();
    assert_eq!(
        turns,
        [
            Turn::new(5_400_000, true, false),
            Turn::NONE,
            // −180° written in 65,536ths of a degree.
            Turn::new(10_800_000, true, true),
        ]
    );
    assert_eq!(walk::vml_turn("rotation: 12.5").degrees(), "12.5");
}

#[test]
fn captions_are_told_by_how_they_start() {
    for c in [
        "图为于都县新建的幼儿园",
        "图1 现场",
        "图 2：会议",
        "（图为现场）",
        "图一",
    ] {
        assert!(is_caption(c), "{c}");
    }
    for c in ["图书馆建设加快", "于都县推进", "图"] {
        assert!(!is_caption(c), "{c}");
    }
}

#[test]
fn a_damaged_zip_or_one_without_document_xml_is_an_error() {
    let full = body("<w:p><w:r><w:t>甲</w:t></w:r></w:p>");
    let e = read(&full[..full.len() / 2]).unwrap_err();
    assert!(e.what.contains("damaged or truncated"), "{}", e.what);
    let e = read(&docx(&[("xl/workbook.xml", b"<workbook/>")])).unwrap_err();
    assert!(e.what.contains("no word/document.xml"), "{}", e.what);
}

#[test]
fn a_part_that_unpacks_beyond_the_limit_is_refused() {
    let mut xml = format!("<w:document {W}><w:body><w:p><w:r><w:t>").into_bytes();
    xml.resize(xml.len() + PART_LIMIT as usize + 10, b' ');
    let e = read(&docx(&[("word/document.xml", &xml)])).unwrap_err();
    assert!(e.what.contains("zip bomb"), "{}", e.what);
}

#[test]
fn a_dtd_or_an_undefined_entity_is_refused_not_expanded() {
    let lol = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w:document {W}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let e = read(&docx(&[("word/document.xml", lol.as_bytes())])).unwrap_err();
    assert!(e.what.contains("DTD"), "{}", e.what);
    let e = read(&body("<w:p><w:r><w:t>&b;</w:t></w:r></w:p>")).unwrap_err();
    assert!(e.what.contains("undefined entity `&b;`"), "{}", e.what);
}

#[test]
fn malformed_xml_is_an_error_naming_the_part() {
    let e = read(&body("<w:p><w:r><w:t>甲</w:r></w:p>")).unwrap_err();
    assert!(
        e.what.contains("word/document.xml is not well-formed"),
        "{}",
        e.what
    );
}

#[test]
fn damaged_copies_of_the_fixture_are_errors_or_text_never_a_panic() {
    let fixture = include_bytes!("../../../tests/fixtures/import/jianbao.docx");
    // The zip cut short or with a byte changed.
    for k in 0..200usize {
        let mut bytes = fixture.to_vec();
        let at = (k * 7919) % bytes.len();
        if k % 2 == 0 {
            bytes.truncate(at);
        } else {
            bytes[at] ^= 0x5A;
        }
        let _ = read(&bytes);
    }
    // The XML itself damaged: a range cut out, or a span repeated, then zipped again.
    let mut zip = zip::ZipArchive::new(Cursor::new(&fixture[..])).unwrap();
    let mut xml = Vec::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_end(&mut xml)
        .unwrap();
    for k in 0..200usize {
        let a = (k * 104_729) % xml.len();
        let b = (a + 1 + (k * 31) % 400).min(xml.len());
        let mut x = xml[..a].to_vec();
        if k % 2 == 0 {
            x.extend_from_slice(&xml[b..]);
        } else {
            x.extend_from_slice(&xml[a..b]);
            x.extend_from_slice(&xml[a..]);
        }
        let _ = read(&docx(&[("word/document.xml", &x)]));
    }
}
