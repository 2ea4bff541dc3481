# R's survey package on a sample of the trust index's neighbourhood-months, timed.
#
#   Rscript bench/trust_recompute/reference.R <folder>
#
# <folder>/cases.csv lists the cells (name, respondents, margins, trim_lower, trim_upper), each exported by
# bench.py as the cell's weightable respondents and its neighbourhood's census margins. For each cell, with the
# same decisions as bench/weighting/reference.R: rake(svydesign(ids=~1, weights=~1)) to convergence, then rounds of
# trimWeights(strict=TRUE) and rake() (from the trimmed weights) until settled, then svymean(~trust, na.rm=TRUE)
# on a design carrying the final weights as its raking information. Reading the CSV files is not timed; everything from svydesign() to
# SE() is. Writes <folder>/r_results.csv: case, n, mean, se, seconds.

suppressPackageStartupMessages(library(survey))
options(expressions = 500000)  # trimWeights(strict=TRUE) recurses once per trimming pass

args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
vars <- c("age_band", "gender", "race_ethnicity")
max_rounds <- 100
settle <- 1e-10
control <- list(maxit = 1000, epsilon = 1e-13)

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

cases <- read.csv(file.path(folder, "cases.csv"), colClasses = "character")
out <- data.frame()
for (k in seq_len(nrow(cases))) {
  case <- cases[k, ]
  df <- read.csv(file.path(folder, case$respondents), na.strings = "",
                 colClasses = c("character", "character", "character", "numeric"))
  margins <- read.csv(file.path(folder, case$margins), colClasses = c("character", "character", "numeric"))
  n <- nrow(df)
  started <- proc.time()[["elapsed"]]
  # A cell where trimWeights(strict=TRUE) never settles recurses without end: reported as NA, not compared.
  result <- tryCatch({
    pops <- list()
    for (v in vars) {
      m <- margins[margins$variable == v, ]
      present <- m$category %in% df[[v]]
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
    mean_weight <- sum(weights(design)) / n
    lower <- as.numeric(case$trim_lower) * mean_weight
    upper <- as.numeric(case$trim_upper) * mean_weight
    previous <- NULL
    for (r in seq_len(max_rounds)) {
      if (r > 1) {
        # Rake from the current weights on a fresh design: the same weights as raking the trimmed design again,
        # without the design's calibration history nesting deeper every round.
        df$wcur <- weights(design)
        design <- rake(svydesign(ids = ~1, weights = ~wcur, data = df), formulas, pops, control = control)
      }
      w <- weights(design)
      if (!any(w < lower | w > upper)) break
      design <- trimWeights(design, lower = lower, upper = upper, strict = TRUE)
      w <- weights(design)
      if (!is.null(previous) && max(abs(w - previous) / previous) < settle) break
      previous <- w
    }
    w <- weights(design)
    df$wf <- w
    final <- with_raking_info(svydesign(ids = ~1, weights = ~wf, data = df), df, w)
    est <- svymean(~trust, final, na.rm = TRUE)
    c(unname(coef(est)[1]), unname(SE(est)[1]))
  }, error = function(e) {
    cat(sprintf("%s: R failed: %s\n", case$name, conditionMessage(e)), file = stderr())
    c(NA_real_, NA_real_)
  })
  seconds <- proc.time()[["elapsed"]] - started
  out <- rbind(out, data.frame(case = case$name, n = n, mean = sprintf("%.17g", result[1]),
                               se = sprintf("%.17g", result[2]), seconds = seconds))
  cat(sprintf("%s n=%d mean %.6f se %.6f %.3fs\n", case$name, n, result[1], result[2], seconds), file = stderr())
}
write.csv(out, file.path(folder, "r_results.csv"), row.names = FALSE, quote = FALSE)
