//! `/coordinator/insight`: the programme's dashboard. Charts drawn on the
//! server (SVG, each with a data table), filters in the URL (a plain GET form),
//! and the CSV exports with the same filters.

use crate::{
    api::insight::insight_dashboard,
    components::{
        chart::{self, Caption, Series},
        filters::{FilterSelect, REGIONS, plain_options},
        form::message_text,
        guard::page_error,
    },
    domain::{
        codes::Urgency,
        insight::{Dashboard, FilterInput, Spread},
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::{
        coordinator::needs::{INCOME_GROUPS, income_name},
        engagements::decline_reason_name,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The exports offered, as the server names them (`/coordinator/insight/{code}.csv`).
pub const EXPORTS: [&str; 6] = [
    "needs",
    "engagements",
    "hours",
    "volunteers",
    "organisations",
    "audit",
];

/// The dashboard page.
#[component]
pub fn InsightPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let input = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        FilterInput {
            from: get("from"),
            to: get("to"),
            region: get("region"),
            income: get("income"),
            category: get("category"),
        }
    };
    let data = Resource::new(input, insight_dashboard);
    view! {
        <Title text=t_string!(i18n, insight.title).to_string() />
        <h1>{t!(i18n, insight.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let filters = input();
                match data.await {
                    Ok(d) => view! {
                        <Filters input=filters.clone() categories=d.categories.clone() />
                        <Exports dashboard=d.clone() input=filters />
                        <Charts dashboard=d />
                    }
                    .into_any(),
                    Err(AppError::Validation(errors)) => view! {
                        <div class="alert alert--error" role="alert" id="filter-errors">
                            <p>{t!(i18n, insight.bad_filters)}</p>
                            <ul>
                                {errors
                                    .iter()
                                    .map(|e| view! { <li data-field=e.field.clone()><a href=format!("#{}", e.field)>{field_name(&e.field)}</a>": "{message_text(e.message)}</li> })
                                    .collect_view()}
                            </ul>
                        </div>
                        <Filters input=filters categories=Vec::new() />
                    }
                    .into_any(),
                    Err(e) => page_error(e),
                }
            })}
        </Suspense>
    }
}

/// A filter's label, for the error list.
fn field_name(field: &str) -> String {
    let i18n = use_i18n();
    match field {
        "from" => t_string!(i18n, insight.from),
        "to" => t_string!(i18n, insight.to),
        "region" => t_string!(i18n, insight.region),
        "income" => t_string!(i18n, insight.income),
        _ => t_string!(i18n, insight.category),
    }
    .to_string()
}

/// The filter form (GET: the URL holds the filters).
#[component]
fn Filters(input: FilterInput, categories: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let some = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    view! {
        <form method="get" action="/coordinator/insight" class="filters" role="search">
            <label for="from">{t!(i18n, insight.from)}</label>
            <input id="from" name="from" type="date" value=input.from.clone() />
            <label for="to">{t!(i18n, insight.to)}</label>
            <input id="to" name="to" type="date" value=input.to.clone() />
            <FilterSelect
                name="region"
                label=t_string!(i18n, insight.region).to_string()
                options=plain_options(REGIONS)
                current=some(&input.region)
            />
            <FilterSelect
                name="income"
                label=t_string!(i18n, insight.income).to_string()
                options=INCOME_GROUPS.iter().map(|g| ((*g).to_owned(), income_name(g))).collect()
                current=some(&input.income)
            />
            <FilterSelect
                name="category"
                label=t_string!(i18n, insight.category).to_string()
                options=categories.into_iter().map(|(id, name)| (id.to_string(), name)).collect()
                current=some(&input.category)
            />
            <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
        </form>
    }
}

/// The export links, with the dashboard's filters.
#[component]
fn Exports(dashboard: Dashboard, input: FilterInput) -> impl IntoView {
    let i18n = use_i18n();
    let mut query = format!("from={}&to={}", dashboard.from, dashboard.to);
    for (k, v) in [
        ("region", &input.region),
        ("income", &input.income),
        ("category", &input.category),
    ] {
        if !v.is_empty() {
            query.push_str(&format!("&{k}={}", encode(v)));
        }
    }
    let name = move |code: &str| match code {
        "needs" => t_string!(i18n, insight.export_needs),
        "engagements" => t_string!(i18n, insight.export_engagements),
        "hours" => t_string!(i18n, insight.export_hours),
        "volunteers" => t_string!(i18n, insight.export_volunteers),
        "organisations" => t_string!(i18n, insight.export_organisations),
        _ => t_string!(i18n, insight.export_audit),
    };
    view! {
        <section class="insight__exports" aria-labelledby="exports-title">
            <h2 id="exports-title">{t!(i18n, insight.exports)}</h2>
            <p class="muted">{t!(i18n, insight.exports_lead, from = dashboard.from.clone(), to = dashboard.to.clone())}</p>
            <ul class="inline-list">
                {EXPORTS
                    .iter()
                    .map(|code| {
                        let href = format!("/coordinator/insight/{code}.csv?{query}");
                        view! { <li><a href=href download="" rel="external" data-export=*code>{name(code).to_string()}</a></li> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Percent-encodes a query value (the filters' values are plain, but a URL
/// typed by hand may hold anything).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One chart with its data table. `rows` name the table's rows; `columns`
/// are (heading, cells) where a cell's value is also a chart mark when
/// `marked` (the table lists marks row by row, as the chart does).
#[component]
fn Chart(
    id: &'static str,
    title: String,
    description: String,
    svg: String,
    row_heading: String,
    rows: Vec<String>,
    columns: Vec<(String, Vec<Cell>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let table_id = format!("{id}-table");
    view! {
        <figure class="chart" data-chart=id id=id aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{title.clone()}</h2>
            <p class="muted">{description}</p>
            <div class="chart__image" inner_html=svg></div>
            <details class="chart__data">
                <summary>{t!(i18n, insight.data_table)}</summary>
                <div class="table-wrap">
                    <table class="table table--dense" id=table_id>
                        <caption>{title}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{row_heading}</th>
                                {columns.iter().map(|(h, _)| view! { <th scope="col">{h.clone()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .enumerate()
                                .map(|(r, label)| {
                                    view! {
                                        <tr>
                                            <th scope="row">{label}</th>
                                            {columns
                                                .iter()
                                                .map(|(_, cells)| {
                                                    let cell = cells.get(r).cloned().unwrap_or_default();
                                                    let text = if cell.text.is_empty() { "—".to_owned() } else { cell.text.clone() };
                                                    view! { <td data-value=cell.mark.clone()>{text}</td> }
                                                })
                                                .collect_view()}
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

/// A table cell: its text in the page's language, and its exact value when
/// it is also a mark of the chart.
#[derive(Debug, Clone, Default)]
struct Cell {
    text: String,
    mark: Option<String>,
}

fn marked(values: &[f64]) -> Vec<Cell> {
    values
        .iter()
        .map(|v| Cell {
            text: chart::shown(*v),
            mark: Some(chart::number(*v)),
        })
        .collect()
}

fn plain(values: impl IntoIterator<Item = u64>) -> Vec<Cell> {
    let locale = crate::numbers::page_locale();
    values
        .into_iter()
        .map(|v| Cell {
            text: crate::numbers::whole(locale, i64::try_from(v).unwrap_or(i64::MAX)),
            mark: None,
        })
        .collect()
}

#[expect(clippy::cast_precision_loss)]
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

fn spread_values(
    rows: &[crate::domain::insight::DelayRow],
    pick: fn(&crate::domain::insight::DelayRow) -> Spread,
    p90: bool,
) -> Vec<f64> {
    rows.iter()
        .map(|r| {
            let s = pick(r);
            let v = if p90 { s.p90 } else { s.median };
            v.map_or(f64::NAN, |h| (h * 10.0).round() / 10.0)
        })
        .collect()
}

/// Every chart of the dashboard.
#[component]
#[expect(clippy::cast_precision_loss)]
fn Charts(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let d = dashboard;
    let series = |name: String, values: Vec<f64>| Series { name, values };

    // 1. Flow per week.
    let weeks: Vec<String> = d.weeks.iter().map(|w| w.week.clone()).collect();
    let flow = vec![
        series(
            t_string!(i18n, insight.opened).to_string(),
            d.weeks.iter().map(|w| w.opened as f64).collect(),
        ),
        series(
            t_string!(i18n, insight.matched).to_string(),
            d.weeks.iter().map(|w| w.matched as f64).collect(),
        ),
        series(
            t_string!(i18n, insight.resolved).to_string(),
            d.weeks.iter().map(|w| w.resolved as f64).collect(),
        ),
    ];
    let flow_title = t_string!(i18n, insight.flow_title).to_string();
    let flow_desc = t_string!(i18n, insight.flow_desc).to_string();
    let flow_svg = chart::lines(
        &Caption {
            id: "flow-svg",
            title: &flow_title,
            description: &flow_desc,
        },
        &weeks,
        &flow,
    );
    let flow_columns: Vec<(String, Vec<Cell>)> =
        flow.iter().map(|s| (s.name.clone(), marked(&s.values))).collect();

    // 2. Delays by tier.
    let tiers: Vec<String> = d.delays.iter().map(|r| urgency_short(r.urgency)).collect();
    let delay_series = vec![
        series(
            t_string!(i18n, insight.proposal_median).to_string(),
            spread_values(&d.delays, |r| r.to_proposal, false),
        ),
        series(
            t_string!(i18n, insight.proposal_p90).to_string(),
            spread_values(&d.delays, |r| r.to_proposal, true),
        ),
        series(
            t_string!(i18n, insight.engagement_median).to_string(),
            spread_values(&d.delays, |r| r.to_engagement, false),
        ),
        series(
            t_string!(i18n, insight.engagement_p90).to_string(),
            spread_values(&d.delays, |r| r.to_engagement, true),
        ),
    ];
    let delay_title = t_string!(i18n, insight.delay_title).to_string();
    let delay_desc = t_string!(i18n, insight.delay_desc).to_string();
    let delay_svg = chart::bars(
        &Caption {
            id: "delays-svg",
            title: &delay_title,
            description: &delay_desc,
        },
        &tiers,
        &delay_series,
        false,
        " h",
    );
    let mut delay_columns = vec![(
        t_string!(i18n, insight.needs_opened).to_string(),
        plain(d.delays.iter().map(|r| r.needs)),
    )];
    delay_columns.extend(delay_series.iter().map(|s| (s.name.clone(), marked(&s.values))));

    // 3. Share matched by income group and by region.
    let share_chart = |id: &'static str,
                       title: String,
                       description: String,
                       heading: String,
                       rows: &[crate::domain::insight::ShareRow],
                       name: &dyn Fn(&str) -> String| {
        let labels: Vec<String> = rows.iter().map(|r| name(&r.group)).collect();
        let shares: Vec<f64> = rows.iter().map(|r| share(r.matched, r.needs)).collect();
        let svg = chart::bars(
            &Caption {
                id,
                title: &title,
                description: &description,
            },
            &labels,
            &[series(
                t_string!(i18n, insight.share_matched).to_string(),
                shares.clone(),
            )],
            false,
            " %",
        );
        view! {
            <Chart
                id=id
                title=title
                description=description
                svg=svg
                row_heading=heading
                rows=labels
                columns=vec![
                    (t_string!(i18n, insight.needs_opened).to_string(), plain(rows.iter().map(|r| r.needs))),
                    (t_string!(i18n, insight.matched).to_string(), plain(rows.iter().map(|r| r.matched))),
                    (t_string!(i18n, insight.share_matched).to_string(), marked(&shares)),
                ]
            />
        }
    };
    let by_income = share_chart(
        "income",
        t_string!(i18n, insight.income_title).to_string(),
        t_string!(i18n, insight.share_desc).to_string(),
        t_string!(i18n, insight.income).to_string(),
        &d.by_income,
        &|g| income_name(g),
    );
    let by_region = share_chart(
        "region",
        t_string!(i18n, insight.region_title).to_string(),
        t_string!(i18n, insight.share_desc).to_string(),
        t_string!(i18n, insight.region).to_string(),
        &d.by_region,
        &|g| g.to_owned(),
    );

    // 4. Hours per month.
    let months: Vec<String> = d.hours.iter().map(|m| m.month.clone()).collect();
    let hours: Vec<f64> = d
        .hours
        .iter()
        .map(|m| (m.minutes as f64 / 6.0).round() / 10.0)
        .collect();
    let hours_title = t_string!(i18n, insight.hours_title).to_string();
    let hours_desc = t_string!(i18n, insight.hours_desc).to_string();
    let hours_svg = chart::bars(
        &Caption {
            id: "hours-svg",
            title: &hours_title,
            description: &hours_desc,
        },
        &months,
        &[series(t_string!(i18n, insight.hours).to_string(), hours.clone())],
        false,
        " h",
    );

    // 5. Utilisation now.
    let u = d.utilisation;
    let use_rows = vec![
        t_string!(i18n, insight.slots).to_string(),
        t_string!(i18n, insight.weekly_hours).to_string(),
    ];
    let used = vec![share(u.slots_used, u.slots), share(u.hours_used, u.hours)];
    let use_title = t_string!(i18n, insight.use_title).to_string();
    let use_desc = t_string!(i18n, insight.use_desc, volunteers = u.volunteers).to_string();
    let use_svg = chart::bars(
        &Caption {
            id: "use-svg",
            title: &use_title,
            description: &use_desc,
        },
        &use_rows,
        &[series(
            t_string!(i18n, insight.share_used).to_string(),
            used.clone(),
        )],
        false,
        " %",
    );

    // 6. Backlog now, by category and urgency.
    let names: std::collections::HashMap<i64, String> = d.categories.iter().cloned().collect();
    let backlog_rows: Vec<String> = d
        .backlog
        .iter()
        .map(|b| {
            names
                .get(&b.category)
                .cloned()
                .unwrap_or_else(|| b.category.to_string())
        })
        .collect();
    let backlog_series: Vec<Series> = Urgency::ALL
        .iter()
        .enumerate()
        .map(|(k, u)| {
            series(
                urgency_short(*u),
                d.backlog
                    .iter()
                    .map(|b| b.counts.get(k).copied().unwrap_or(0) as f64)
                    .collect(),
            )
        })
        .collect();
    let backlog_title = t_string!(i18n, insight.backlog_title).to_string();
    let backlog_desc = t_string!(i18n, insight.backlog_desc).to_string();
    let backlog_svg = chart::bars(
        &Caption {
            id: "backlog-svg",
            title: &backlog_title,
            description: &backlog_desc,
        },
        &backlog_rows,
        &backlog_series,
        true,
        "",
    );

    // 7. Proposal outcomes.
    let outcome_rows: Vec<String> = d.outcomes.iter().map(|o| outcome_name(&o.outcome)).collect();
    let outcomes: Vec<f64> = d.outcomes.iter().map(|o| o.count as f64).collect();
    let outcome_title = t_string!(i18n, insight.outcome_title).to_string();
    let outcome_desc = t_string!(i18n, insight.outcome_desc).to_string();
    let outcome_svg = chart::bars(
        &Caption {
            id: "outcomes-svg",
            title: &outcome_title,
            description: &outcome_desc,
        },
        &outcome_rows,
        &[series(
            t_string!(i18n, insight.proposals).to_string(),
            outcomes.clone(),
        )],
        false,
        "",
    );

    view! {
        <p class="lead">{t!(i18n, insight.range, from = d.from.clone(), to = d.to.clone())}</p>
        <p class="muted" data-as-of="">{t!(i18n, insight.as_of, at = crate::dates::localised(i18n.get_locale_untracked(), &d.as_of))}</p>
        <div class="insight">
            <Chart id="flow" title=flow_title description=flow_desc svg=flow_svg row_heading=t_string!(i18n, insight.week).to_string() rows=weeks columns=flow_columns />
            <Chart id="delays" title=delay_title description=delay_desc svg=delay_svg row_heading=t_string!(i18n, insight.urgency).to_string() rows=tiers columns=delay_columns />
            {by_income}
            {by_region}
            <Chart
                id="hours"
                title=hours_title
                description=hours_desc
                svg=hours_svg
                row_heading=t_string!(i18n, insight.month).to_string()
                rows=months
                columns=vec![(t_string!(i18n, insight.hours).to_string(), marked(&hours))]
            />
            <Chart
                id="use"
                title=use_title
                description=use_desc
                svg=use_svg
                row_heading=String::new()
                rows=use_rows
                columns=vec![
                    (t_string!(i18n, insight.used).to_string(), plain([u.slots_used, u.hours_used])),
                    (t_string!(i18n, insight.offered).to_string(), plain([u.slots, u.hours])),
                    (t_string!(i18n, insight.share_used).to_string(), marked(&used)),
                ]
            />
            <Chart
                id="backlog"
                title=backlog_title
                description=backlog_desc
                svg=backlog_svg
                row_heading=t_string!(i18n, insight.category).to_string()
                rows=backlog_rows
                columns=backlog_series.iter().map(|s| (s.name.clone(), marked(&s.values))).collect()
            />
            <Chart
                id="outcomes"
                title=outcome_title
                description=outcome_desc
                svg=outcome_svg
                row_heading=t_string!(i18n, insight.outcome).to_string()
                rows=outcome_rows
                columns=vec![(t_string!(i18n, insight.proposals).to_string(), marked(&outcomes))]
            />
        </div>
        <details class="insight__notes">
            <summary>{t!(i18n, insight.how_counted)}</summary>
            <ul>
                <li>{t!(i18n, insight.note_flow)}</li>
                <li>{t!(i18n, insight.note_delays)}</li>
                <li>{t!(i18n, insight.note_now)}</li>
                <li>{t!(i18n, insight.note_outcomes)}</li>
            </ul>
        </details>
    }
}

/// An urgency tier's short name.
pub fn urgency_short(u: Urgency) -> String {
    let i18n = use_i18n();
    match u {
        Urgency::Critical => t_string!(i18n, insight.tier.critical),
        Urgency::High => t_string!(i18n, insight.tier.high),
        Urgency::Normal => t_string!(i18n, insight.tier.normal),
        Urgency::Low => t_string!(i18n, insight.tier.low),
    }
    .to_string()
}

fn outcome_name(code: &str) -> String {
    let i18n = use_i18n();
    match code {
        "accepted" => t_string!(i18n, insight.outcomes.accepted).to_string(),
        "expired" => t_string!(i18n, insight.outcomes.expired).to_string(),
        "withdrawn" => t_string!(i18n, insight.outcomes.withdrawn).to_string(),
        "waiting" => t_string!(i18n, insight.outcomes.waiting).to_string(),
        other => {
            let reason = decline_reason_name(other.strip_prefix("declined:").unwrap_or(other));
            t_string!(i18n, insight.outcomes.declined, reason = reason).to_string()
        }
    }
}
