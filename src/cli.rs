//! The command line, declared once with clap's derive. Each subcommand's options are a struct that
//! its module in `cmd/` turns into the library's option types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A static site generator for 工作简报 (work bulletins): Markdown issues in, a browsable archive out.
#[derive(Debug, Parser)]
#[command(name = "bulletin", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into output/ (replaced whole, and only when the build succeeds).
    Build(BuildArgs),
    /// Check everything a build checks; write nothing.
    Check(CheckArgs),
    /// Create a new site in DIR that builds at once.
    Init(InitArgs),
    /// Build the site in memory, serve it, and rebuild and reload the browser on every save.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Turn bulletin texts as received (from the printed PDF or Word file) into issue folders.
    Import(ImportArgs),
    /// Count articles per county, unit or topic and period, for the quarterly report.
    Stats(StatsArgs),
    /// Upload what changed in output/ to S3 (OSS, COS, OBS, MinIO), an SFTP server or a folder,
    /// and delete what is gone there.
    Deploy(DeployArgs),
}

/// Options shared by commands that read a site.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder (holding site.yaml and content/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Print the time of each build stage.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site; relative to --root.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// The URL the site will be published at (overrides base_url in site.yaml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Do not minify HTML (overrides `minify` in site.yaml).
    #[arg(long)]
    pub no_minify: bool,
    /// Do not write the search index, the search page or the search box (overrides `search` in
    /// site.yaml).
    #[arg(long)]
    pub no_search: bool,
    /// Do not write /stats/, its CSV files or the charts on county, topic and home pages
    /// (overrides `stats` in site.yaml).
    #[arg(long)]
    pub no_stats: bool,
    /// Fail the build if an internal link or anchor does not resolve.
    #[arg(long)]
    pub check_links: bool,
    /// Also write .gz and .br copies of text files (for nginx gzip_static/brotli_static).
    #[arg(long)]
    pub precompress: bool,
    /// Personal data and wrong expressions (严重表述错误) are errors, not warnings.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Personal data and wrong expressions (严重表述错误) are errors, not warnings: what a
    /// publishing workflow runs.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (must not exist, or be empty).
    pub dir: PathBuf,
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (holding site.yaml and content/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; anything but loopback makes the preview visible on the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of using file system events (network drives, WSL).
    #[arg(long)]
    pub poll: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bulletin texts (UTF-8, GB18030/GBK or UTF-16), one issue each.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The site folder (its site.yaml gives counties, city and topic rules).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Where to put issue folders; relative to --root.
    #[arg(long, value_name = "DIR", default_value = "content")]
    pub into: PathBuf,
    /// Overwrite files that exist and differ.
    #[arg(long)]
    pub force: bool,
    /// Print what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Set an article's topics where the rules could not: `3=生态环保` (article 3 of the issue,
    /// as the summary numbers them), several `3=生态环保,民生保障`, `2021-131:3=…` with several
    /// files. Repeatable.
    #[arg(long = "topic", value_name = "[ISSUE:]N=TOPIC[,TOPIC]")]
    pub topics: Vec<String>,
    /// Set an article's county: `3=于都县`. Repeatable.
    #[arg(long = "county", value_name = "[ISSUE:]N=COUNTY")]
    pub counties: Vec<String>,
    /// Never ask on a terminal: stop with what to set instead, as without a terminal.
    #[arg(long)]
    pub no_input: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// What the rows are.
    #[arg(long, value_enum, default_value_t = StatsBy::County)]
    pub by: StatsBy,
    /// Count articles dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Count articles dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// What the columns are.
    #[arg(long, value_enum, default_value_t = StatsPeriod::Year)]
    pub period: StatsPeriod,
    /// A table aligned for the terminal, CSV (UTF-8 with a BOM, for Excel) or JSON.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
    /// Read every file, neither using nor writing the memo of unchanged files in
    /// .bulletin/cache/stats.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StatsBy {
    County,
    Unit,
    Topic,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StatsPeriod {
    Year,
    Quarter,
    Month,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StatsFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// A name from site.yaml's `deploy:` list, or a URL: s3://bucket/prefix?endpoint=…&region=…,
    /// sftp://user@host:port/path, file:///srv/www/jianbao. Default: the first `deploy:` entry.
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    /// The site folder (holding site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The built site to upload; relative to --root.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// Print the plan (each file to upload or delete, and why); change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse, before any change, a plan deleting more files than this (default 256). Given,
    /// it also allows an output under half the size of what the target holds.
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Show the plan's totals and ask before changing anything.
    #[arg(long)]
    pub confirm: bool,
    /// Where to write the URLs of uploaded and deleted files, for purging a CDN; relative to
    /// --root.
    #[arg(long, value_name = "FILE", default_value = "changed-urls.txt")]
    pub changed_urls: PathBuf,
    /// With --dry-run, also list the unchanged files.
    #[arg(short, long)]
    pub verbose: bool,
}
