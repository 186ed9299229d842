//! The report's SVG plots (plotters): per workload, throughput against size for every
//! executor and peer; and the speed-up from one thread to all threads per workload.

use super::{fmt_size, Data, SERIES};
use crate::workloads::WORKLOADS;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

const SIZE: (u32, u32) = (720, 440);

/// A series to draw: its index (colour), label and (size, elements per second) points.
type Line<'a> = (usize, &'a str, Vec<(f64, f64)>);

fn color(i: usize) -> RGBColor {
    const C: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(23, 190, 207),
        RGBColor(127, 127, 127),
        RGBColor(214, 39, 40),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
        RGBColor(197, 176, 213),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
    ];
    C[i % C.len()]
}

fn err(e: impl std::fmt::Display) -> String {
    format!("plot: {e}")
}

/// Draws every plot into `dir`; returns the files written.
pub fn draw_all(data: &Data, dir: &Path, size: usize) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for w in WORKLOADS {
        if data.sizes(w.name).is_empty() {
            continue;
        }
        let path = dir.join(format!("{}.svg", w.name));
        throughput(data, w.name, w.what, w.unit, &path)?;
        out.push(path);
    }
    let path = dir.join("speedup.svg");
    speedup(data, size, &path)?;
    out.push(path);
    Ok(out)
}

/// Elements per second against elements, log-log, one line per series.
fn throughput(data: &Data, group: &str, what: &str, unit: &str, path: &Path) -> Result<(), String> {
    let sizes = data.sizes(group);
    let lines: Vec<Line> = SERIES
        .iter()
        .enumerate()
        .map(|(i, (id, label))| {
            let pts = sizes
                .iter()
                .filter_map(|&n| data.get(group, id, n).map(|t| (n as f64, n as f64 / t)))
                .collect::<Vec<_>>();
            (i, *label, pts)
        })
        .filter(|(_, _, p)| !p.is_empty())
        .collect();
    let (x0, x1) = (
        sizes[0] as f64 / 1.5,
        *sizes.last().unwrap_or(&1) as f64 * 1.5,
    );
    let ys = lines.iter().flat_map(|(_, _, p)| p.iter().map(|q| q.1));
    let (y0, y1) = ys.fold((f64::INFINITY, 0.0f64), |(a, b), y| (a.min(y), b.max(y)));
    let (y0, y1) = if y0.is_finite() {
        (y0 / 2.0, y1 * 3.0)
    } else {
        (1.0, 10.0)
    };
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let title = format!("{group}: {}", what.replace('`', ""));
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("{unit}s"))
        .y_desc(format!("{unit}s per second"))
        .x_label_formatter(&|v| fmt_size(*v as usize))
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(err)?;
    for (i, label, pts) in lines {
        let c = color(i);
        let width = if i < 2 { 3 } else { 1 };
        chart
            .draw_series(LineSeries::new(pts.clone(), c.stroke_width(width)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("sans-serif", 11))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// Speed-up `t(1 thread) / t(all threads)` of each workload at `size` (or the largest
/// measured size below it), for the JIT, rayon, numexpr and Numba: one line per
/// workload and executor from 1 thread (speed-up 1) to all threads, and the ideal line.
fn speedup(data: &Data, size: usize, path: &Path) -> Result<(), String> {
    let all = data.threads_all().max(1);
    let pairs = [
        ("jit_1t", "jit_all", "kernelc JIT"),
        ("rust", "rayon", "Rust/rayon"),
        ("numexpr_1t", "numexpr_all", "numexpr"),
        ("numba_1t", "numba_all", "Numba"),
    ];
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let panels = root.split_evenly((1, pairs.len()));
    for (k, ((one, many, name), panel)) in pairs.iter().zip(panels.iter()).enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{name}: speed-up"), ("sans-serif", 14))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(if k == 0 { 40 } else { 25 })
            .build_cartesian_2d(0.8f64..(all as f64 + 0.2), 0.0f64..(all as f64 + 0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("threads")
            .x_labels(all.min(8) + 1)
            .y_labels(all.min(8) * 2 + 1)
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                vec![(1.0, 1.0), (all as f64, all as f64)],
                BLACK.mix(0.3).stroke_width(1),
            ))
            .map_err(err)?;
        for (i, w) in WORKLOADS.iter().enumerate() {
            let n = data
                .sizes(w.name)
                .into_iter()
                .filter(|&n| n <= size && data.get(w.name, one, n).is_some())
                .max();
            let Some(n) = n else { continue };
            let (Some(a), Some(b)) = (data.get(w.name, one, n), data.get(w.name, many, n)) else {
                continue;
            };
            let c = color(i);
            let pts = vec![(1.0, 1.0), (all as f64, a / b)];
            let s = chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
                .map_err(err)?;
            if k == 0 {
                s.label(w.name).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2))
                });
            }
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))
                .map_err(err)?;
        }
        if k == 0 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperLeft)
                .label_font(("sans-serif", 9))
                .draw()
                .map_err(err)?;
        }
    }
    root.present().map_err(err)
}
