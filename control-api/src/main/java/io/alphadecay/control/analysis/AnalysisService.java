package io.alphadecay.control.analysis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.analysis.DecayPolicy;
import io.alphadecay.api.analysis.ModuleAnalysis;
import io.alphadecay.api.analysis.NewAnalysis;
import io.alphadecay.api.problem.FieldError;
import io.alphadecay.api.run.Run;
import io.alphadecay.common.web.ApiException;
import io.alphadecay.control.run.EventLog;
import io.alphadecay.control.run.RunService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Stores spectral analyses and derives the effective decay assignment of a run. */
@Service
public class AnalysisService {

    private final AnalysisRepository analyses;
    private final RunService runs;
    private final EventLog events;

    AnalysisService(AnalysisRepository analyses, RunService runs, EventLog events) {
        this.analyses = analyses;
        this.runs = runs;
        this.events = events;
    }

    @Transactional
    public Analysis record(UUID runId, NewAnalysis analysis) {
        runs.requireExists(runId);
        check(analysis);
        long id = analyses.save(runId, analysis);
        Analysis saved = withModules(analyses.find(id).orElseThrow());
        Analysis.Summary s = saved.summary();
        String spread = s.ok() == 0
                ? "no module with status ok"
                : String.format(java.util.Locale.ROOT, "α from %.3f to %.3f", s.alphaMin(), s.alphaMax());
        events.append(
                runId,
                "analysis",
                "Spectral analysis at step " + analysis.step() + ": " + s.modules() + " modules, " + spread,
                Map.of("analysisId", id, "step", analysis.step()));
        return saved;
    }

    public List<Analysis> list(UUID runId, boolean includeModules) {
        runs.requireExists(runId);
        List<Analysis> summaries = analyses.list(runId);
        if (!includeModules) {
            return summaries;
        }
        Map<Long, List<ModuleAnalysis>> modules = analyses.modulesOfRun(runId);
        return summaries.stream()
                .map(a -> withModules(a, modules.getOrDefault(a.id(), List.of())))
                .toList();
    }

    public Analysis latest(UUID runId) {
        runs.requireExists(runId);
        return analyses.latestId(runId)
                .flatMap(analyses::find)
                .map(this::withModules)
                .orElseThrow(() -> ApiException.notFound("An analysis of run " + runId));
    }

    public Analysis get(UUID runId, long analysisId) {
        runs.requireExists(runId);
        return analyses.find(analysisId)
                .filter(a -> a.runId().equals(runId))
                .map(this::withModules)
                .orElseThrow(() -> ApiException.notFound("Analysis " + analysisId + " of run " + runId));
    }

    public DecayAssignment assignment(UUID runId) {
        Run run = runs.get(runId);
        String policy = run.config().decay().policy();
        double wd0 = run.config().effectiveWeightDecay();
        Map<String, Double> overrides = analyses.overrides(runId);
        List<DecayAssignment.Entry> entries = new ArrayList<>();
        Long analysisId = null;
        Long step = null;
        if (DecayPolicy.of(policy).assignsFromAnalyses()) {
            var latest = analyses.latestId(runId).flatMap(analyses::find);
            if (latest.isPresent()) {
                analysisId = latest.get().id();
                step = latest.get().step();
                for (ModuleAnalysis module : analyses.modules(analysisId)) {
                    if (module.weightDecay() != null && !overrides.containsKey(module.name())) {
                        entries.add(new DecayAssignment.Entry(module.name(), module.weightDecay(), "analysis"));
                    }
                }
            }
        }
        overrides.forEach((name, wd) -> entries.add(new DecayAssignment.Entry(name, wd, "override")));
        entries.sort(java.util.Comparator.comparing(DecayAssignment.Entry::name));
        return new DecayAssignment(runId, policy, wd0, analysisId, step, entries);
    }

    @Transactional
    public DecayAssignment replaceOverrides(UUID runId, Map<String, Double> overrides) {
        runs.requireExists(runId);
        List<FieldError> errors = new ArrayList<>();
        overrides.forEach((name, wd) -> {
            if (name == null || !name.matches(ModuleAnalysis.NAME)) {
                errors.add(new FieldError("overrides." + name, "is not a valid parameter name"));
            } else if (wd == null || !Double.isFinite(wd) || wd < 0 || wd > 10) {
                errors.add(new FieldError("overrides." + name, "must be a number between 0 and 10"));
            }
        });
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        analyses.replaceOverrides(runId, overrides);
        events.append(
                runId,
                "decay-overrides",
                overrides.isEmpty()
                        ? "Decay overrides cleared"
                        : "Decay overrides set for " + overrides.size() + " module(s)",
                Map.of("modules", overrides.size()));
        return assignment(runId);
    }

    private static void check(NewAnalysis analysis) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<ModuleAnalysis> modules = analysis.modules();
        for (int i = 0; i < modules.size(); i++) {
            ModuleAnalysis m = modules.get(i);
            if (!names.add(m.name())) {
                errors.add(new FieldError("modules[" + i + "].name", "duplicates an earlier module"));
            }
            if (m.ok() && (m.alpha() == null || !Double.isFinite(m.alpha()))) {
                errors.add(new FieldError("modules[" + i + "].alpha", "is required for a module with status ok"));
            }
        }
        if (analysis.s1() > analysis.s2()) {
            errors.add(new FieldError("s1", "must not exceed s2"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors.size() > 20 ? errors.subList(0, 20) : errors);
        }
    }

    private Analysis withModules(Analysis summary) {
        return withModules(summary, analyses.modules(summary.id()));
    }

    private static Analysis withModules(Analysis a, List<ModuleAnalysis> modules) {
        return new Analysis(
                a.id(),
                a.runId(),
                a.step(),
                a.estimator(),
                a.policy(),
                a.wd0(),
                a.s1(),
                a.s2(),
                a.durationMs(),
                a.createdAt(),
                a.summary(),
                modules);
    }
}
