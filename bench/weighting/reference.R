# Reference numbers for src/commonbeat/weighting.py, computed with R's survey package.
#
#   Rscript bench/weighting/reference.R [tests/weighting/fixtures]
#
# Needs the Debian packages r-base-core and r-cran-survey. For each case in cases.csv it reads the
# respondents and the census margins, rakes svydesign(ids=~1, weights=~1) to the margins with rake(),
# trims with trimWeights(strict=TRUE) when the case asks for it, and writes svymean(~trust, na.rm=TRUE),
# its SE and confint(), the effective sample size and the first 20 weights to <case>_reference.json.
#
# What the Python module decides and this script therefore does the same way:
# - a margin category with no respondents is dropped and the margin's other categories are scaled up to
#   keep its total (rake() itself would stop with "Some strata absent from sample");
# - raking runs to convergence (rake()'s default stops at a change below one person in a cell, or 10 sweeps);
# - trimming bounds are relative to the mean weight; rounds of rake() then trimWeights(strict=TRUE) repeat
#   until a raked result is within the bounds or the trimmed weights stop changing, at most 100 rounds;
# - the variance of a trimmed design is that of a design raked to the margins whose raking information
#   carries the final weights: exactly what rake() leaves in design$postStrata when it converges, which
#   the script checks on the untrimmed cases.

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
fixtures <- if (length(args) >= 1) args[1] else "tests/weighting/fixtures"
vars <- c("age_band", "gender", "race_ethnicity")
max_rounds <- 100
settle <- 1e-10
control <- list(maxit = 1000, epsilon = 1e-13) # epsilon < 1 is relative to the total weight

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
num_array <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
str_array <- function(x) if (length(x)) paste0("[", paste0("\"", x, "\"", collapse = ", "), "]") else "[]"

# The raking information rake() stores for svyrecvar(), rebuilt for weights w.
with_raking_info <- function(design, data, w) {
  info <- lapply(vars, function(v) {
    index <- as.integer(data[[v]])
    attr(index, "oldweights") <- w
    attr(index, "weights") <- w
    index
  })
  class(info) <- "raking"
  design$postStrata <- list(info)
  design
}

estimate <- function(design) {
  est <- svymean(~trust, design, na.rm = TRUE)
  ci <- confint(est)
  c(mean = unname(coef(est)[1]), se = unname(SE(est)[1]), low = ci[1, 1], high = ci[1, 2])
}

cases <- read.csv(file.path(fixtures, "cases.csv"), colClasses = "character")
for (k in seq_len(nrow(cases))) {
  case <- cases[k, ]
  df <- read.csv(file.path(fixtures, case$respondents), na.strings = "",
                 colClasses = c("character", "character", "character", "character", "numeric"))
  margins <- read.csv(file.path(fixtures, case$margins), colClasses = c("character", "character", "numeric"))
  n <- nrow(df)

  pops <- list()
  collapsed <- character(0)
  for (v in vars) {
    m <- margins[margins$variable == v, ]
    stopifnot(all(df[[v]] %in% m$category))
    present <- m$category %in% df[[v]]
    collapsed <- c(collapsed, if (any(!present)) paste0(v, ":", m$category[!present]))
    kept <- m[present, ]
    kept$count <- kept$count * sum(m$count) / sum(kept$count)
    df[[v]] <- factor(df[[v]], levels = kept$category)
    pop <- data.frame(factor(kept$category, levels = kept$category), kept$count)
    names(pop) <- c(v, "Freq")
    pops[[v]] <- pop
  }
  formulas <- lapply(vars, function(v) as.formula(paste0("~", v)))
  df$w0 <- 1

  design <- rake(svydesign(ids = ~1, weights = ~w0, data = df), formulas, pops, control = control)
  rounds <- 0
  settled <- TRUE
  trim <- nzchar(case$trim_lower)
  if (trim) {
    mean_weight <- sum(weights(design)) / n
    lower <- as.numeric(case$trim_lower) * mean_weight
    upper <- as.numeric(case$trim_upper) * mean_weight
    previous <- NULL
    settled <- FALSE
    for (r in seq_len(max_rounds)) {
      if (r > 1) design <- rake(design, formulas, pops, control = control)
      rounds <- r
      w <- weights(design)
      if (!any(w < lower | w > upper)) {
        settled <- TRUE
        break
      }
      design <- trimWeights(design, lower = lower, upper = upper, strict = TRUE)
      w <- weights(design)
      if (!is.null(previous) && max(abs(w - previous) / previous) < settle) {
        settled <- TRUE
        break
      }
      previous <- w
    }
    w <- weights(design)
    df$wf <- w
    design <- with_raking_info(svydesign(ids = ~1, weights = ~wf, data = df), df, w)
    result <- estimate(design)
  } else {
    result <- estimate(design)
    w <- weights(design)
    df$wf <- w
    rebuilt <- estimate(with_raking_info(svydesign(ids = ~1, weights = ~wf, data = df), df, w))
    stopifnot(max(abs(rebuilt - result) / abs(result)) < 1e-9)
  }

  misses <- sapply(vars, function(v) {
    sums <- tapply(w, df[[v]], sum)
    max(abs(sums - pops[[v]]$Freq) / pops[[v]]$Freq)
  })
  answered <- !is.na(df$trust)
  ess <- sum(w[answered])^2 / sum(w[answered]^2)

  json <- c(
    "{",
    sprintf("  \"case\": \"%s\",", case$name),
    sprintf("  \"r_version\": \"%s\",", paste(R.version$major, R.version$minor, sep = ".")),
    sprintf("  \"survey_version\": \"%s\",", as.character(packageVersion("survey"))),
    sprintf("  \"respondents_file\": \"%s\",", case$respondents),
    sprintf("  \"margins_file\": \"%s\",", case$margins),
    sprintf("  \"trim\": %s,", if (trim) num_array(as.numeric(c(case$trim_lower, case$trim_upper))) else "null"),
    sprintf("  \"rounds\": %d,", rounds),
    sprintf("  \"settled\": %s,", if (settled) "true" else "false"),
    sprintf("  \"collapsed\": %s,", str_array(collapsed)),
    sprintf("  \"n\": %d,", n),
    sprintf("  \"respondents\": %d,", sum(answered)),
    sprintf("  \"unweighted_mean\": %s,", num(mean(df$trust, na.rm = TRUE))),
    sprintf("  \"mean\": %s,", num(result[["mean"]])),
    sprintf("  \"standard_error\": %s,", num(result[["se"]])),
    sprintf("  \"ci_low\": %s,", num(result[["low"]])),
    sprintf("  \"ci_high\": %s,", num(result[["high"]])),
    sprintf("  \"effective_sample_size\": %s,", num(ess)),
    sprintf("  \"weight_total\": %s,", num(sum(w))),
    sprintf("  \"weight_range_relative_to_mean\": %s,", num_array(range(w) / mean(w))),
    sprintf("  \"margin_largest_relative_miss\": %s,", num(max(misses))),
    sprintf("  \"weights_first_20\": %s", num_array(w[1:20])),
    "}"
  )
  out <- file.path(fixtures, paste0(case$name, "_reference.json"))
  writeLines(json, out)
  cat(sprintf("%-24s mean %.4f (unweighted %.4f)  SE %.4f  rounds %d  settled %s  -> %s\n",
              case$name, result[["mean"]], mean(df$trust, na.rm = TRUE), result[["se"]], rounds, settled, out))
}
