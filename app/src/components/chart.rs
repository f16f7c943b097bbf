//! Charts drawn on the server as SVG: no JavaScript, a title and a description
//! for screen readers (`role="img"`, `aria-labelledby`), and every mark
//! carrying its exact value (`data-value`) in the order the data table beside
//! it lists them (row by row, series by series), so the two can be checked
//! against each other. Colours are the Okabe–Ito palette (told apart with
//! colour blindness); each series is also named in a legend.

use std::fmt::Write as _;

/// Series colours.
const PALETTE: [&str; 5] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"];
const WIDTH: f64 = 560.0;
const INK: &str = "#1f2933";
const LABEL_CHARS: usize = 26;

/// One series: its name and one value per row (or point).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// The values.
    pub values: Vec<f64>,
}

/// What a chart is about, for screen readers.
#[derive(Debug, Clone, Copy)]
pub struct Caption<'a> {
    /// Unique in the page (ids are derived from it).
    pub id: &'a str,
    /// Short title.
    pub title: &'a str,
    /// One sentence: what is shown.
    pub description: &'a str,
}

/// Text made safe for XML.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// A value as the chart and its table print it: whole numbers without a
/// decimal point, others with one decimal; nothing for a missing value (NaN).
#[must_use]
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        String::new()
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A value as people read it, in the page's language (the marks' titles and
/// labels, and the data table): whole numbers without a decimal separator,
/// others with one decimal; nothing for a missing value (NaN).
#[must_use]
pub fn shown(v: f64) -> String {
    let locale = crate::numbers::page_locale();
    if !v.is_finite() {
        String::new()
    } else if (v - v.round()).abs() < 1e-9 {
        // A whole number: rounding loses nothing, and any chart value is far
        // inside i64.
        crate::numbers::whole(locale, v.round() as i64)
    } else {
        crate::numbers::fixed(locale, v, 1)
    }
}

fn open(svg: &mut String, c: &Caption<'_>, height: f64) {
    let id = escape(c.id);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" role="img" viewBox="0 0 {WIDTH} {height}" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, sans-serif" font-size="13"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(c.title),
        escape(c.description)
    );
}

/// Draws the legend (wrapped to the width) and returns the height it takes.
fn legend(svg: &mut String, series: &[Series]) -> f64 {
    if series.len() < 2 {
        return 0.0;
    }
    let mut x = 8.0;
    let mut y = 16.0;
    for (k, s) in series.iter().enumerate() {
        let w = 24.0 + 7.0 * s.name.chars().count() as f64;
        if x > 8.0 && x + w > WIDTH {
            x = 8.0;
            y += 18.0;
        }
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" fill="{INK}">{}</text>"#,
            y - 9.0,
            PALETTE[k % PALETTE.len()],
            x + 14.0,
            y,
            escape(&s.name)
        );
        x += w;
    }
    y + 10.0
}

fn max_of(series: &[Series], stacked: bool, rows: usize) -> f64 {
    let m = if stacked {
        (0..rows)
            .map(|r| {
                series
                    .iter()
                    .map(|s| s.values.get(r).copied().unwrap_or(0.0))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    } else {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max)
    };
    if m > 0.0 { m } else { 1.0 }
}

/// Horizontal bars, one group per row: grouped (a bar per series) or stacked
/// (the series end to end). `unit` follows each printed value.
#[must_use]
pub fn bars(caption: &Caption<'_>, rows: &[String], series: &[Series], stacked: bool, unit: &str) -> String {
    let label_w = 190.0;
    let plot_w = WIDTH - label_w - 70.0;
    let bar_h = 14.0;
    let group_h = if stacked {
        bar_h
    } else {
        bar_h * series.len() as f64
    } + 10.0;
    let mut body = String::new();
    let top = legend(&mut body, series) + 6.0;
    let height = top + group_h * rows.len() as f64 + 6.0;
    let max = max_of(series, stacked, rows.len());
    let mut svg = String::new();
    open(&mut svg, caption, height);
    svg.push_str(&body);
    for (r, label) in rows.iter().enumerate() {
        let y0 = top + group_h * r as f64;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end" fill="{INK}">{}</text>"#,
            label_w - 8.0,
            y0 + if stacked {
                bar_h
            } else {
                bar_h * series.len() as f64
            } / 2.0
                + 4.0,
            escape(&short(label))
        );
        let mut x = label_w;
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(r).copied().unwrap_or(0.0);
            let w = (v / max * plot_w).max(0.0);
            let y = if stacked { y0 } else { y0 + bar_h * k as f64 };
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{}" fill="{}" data-value="{}"><title>{}: {}{unit}</title></rect>"#,
                bar_h - 2.0,
                PALETTE[k % PALETTE.len()],
                number(v),
                escape(&s.name),
                shown(v),
            );
            if stacked {
                x += w;
            } else {
                let shown = if v.is_finite() {
                    format!("{}{}", shown(v), escape(unit))
                } else {
                    "—".to_owned()
                };
                let _ = write!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" fill="{INK}">{shown}</text>"#,
                    x + w + 4.0,
                    y + bar_h - 3.0,
                );
            }
        }
        if stacked {
            let total: f64 = series
                .iter()
                .map(|s| s.values.get(r).copied().unwrap_or(0.0))
                .sum();
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" fill="{INK}">{}{}</text>"#,
                x + 4.0,
                y0 + bar_h - 3.0,
                shown(total),
                escape(unit)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Lines over time, one per series, a point per value (`labels` name the
/// points; about eight are printed under the axis).
#[must_use]
pub fn lines(caption: &Caption<'_>, labels: &[String], series: &[Series]) -> String {
    let mut legend_svg = String::new();
    let top = legend(&mut legend_svg, series) + 14.0;
    let (left, right, bottom) = (44.0, WIDTH - 12.0, top + 160.0);
    let height = bottom + 26.0;
    let max = max_of(series, false, labels.len());
    let n = labels.len().max(1);
    let step = if n > 1 {
        (right - left) / (n - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| left + step * i as f64;
    let y = |v: f64| bottom - v / max * (bottom - top);
    let mut svg = String::new();
    open(&mut svg, caption, height);
    svg.push_str(&legend_svg);
    // Axis: zero and the maximum.
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#9aa5b1"/><text x="{}" y="{}" text-anchor="end" fill="{INK}">{}</text><text x="{}" y="{}" text-anchor="end" fill="{INK}">{}</text>"##,
        left - 6.0,
        bottom + 4.0,
        shown(0.0),
        left - 6.0,
        top + 4.0,
        shown(max)
    );
    let every = n.div_ceil(8).max(1);
    for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="{INK}">{}</text>"#,
            x(i),
            bottom + 18.0,
            escape(label.get(5..).unwrap_or(label))
        );
    }
    for (k, s) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
    }
    // Points row by row, series by series (the table's order).
    for (i, label) in labels.iter().enumerate() {
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{}" data-value="{}"><title>{} {}: {}</title></circle>"#,
                x(i),
                y(v),
                PALETTE[k % PALETTE.len()],
                number(v),
                escape(label),
                escape(&s.name),
                shown(v)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(svg: &str) -> Vec<String> {
        svg.split("data-value=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn marks_carry_their_values_row_by_row() {
        let caption = Caption {
            id: "t",
            title: "T <&>",
            description: "D",
        };
        let series = vec![
            Series {
                name: "a".into(),
                values: vec![1.0, 2.5],
            },
            Series {
                name: "b".into(),
                values: vec![3.0, 0.0],
            },
        ];
        let rows = vec!["x".to_owned(), "<script>".to_owned()];
        for svg in [
            bars(&caption, &rows, &series, false, ""),
            bars(&caption, &rows, &series, true, " h"),
            lines(&caption, &rows, &series),
        ] {
            assert_eq!(values(&svg), ["1", "3", "2.5", "0"]);
            assert!(
                svg.contains("T &lt;&amp;&gt;") && !svg.contains("<script>"),
                "{svg}"
            );
            assert!(svg.contains(r#"aria-labelledby="t-title t-desc""#));
        }
    }

    #[test]
    fn empty_charts_still_draw() {
        let caption = Caption {
            id: "e",
            title: "E",
            description: "D",
        };
        assert!(bars(&caption, &[], &[], false, "").ends_with("</svg>"));
        assert!(lines(&caption, &[], &[]).ends_with("</svg>"));
        assert_eq!(number(2.0), "2");
        assert_eq!(number(2.26), "2.3");
        assert_eq!(short(&"x".repeat(40)).chars().count(), LABEL_CHARS);
    }
}
