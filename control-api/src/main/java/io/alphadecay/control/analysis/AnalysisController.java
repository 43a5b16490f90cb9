package io.alphadecay.control.analysis;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/runs/{id}")
class AnalysisController {

    private final AnalysisService analyses;

    AnalysisController(AnalysisService analyses) {
        this.analyses = analyses;
    }

    /** What the esd-service reports for one step of a run. */
    record NewAnalysis(@NotNull @Min(0) Long step,
            @NotNull @Pattern(regexp = "median-hill|ks-mle", message = "must be median-hill or ks-mle") String estimator,
            @NotNull @Pattern(regexp = "alphadecay|uniform|none", message = "must be alphadecay, uniform or none") String policy,
            @NotNull @DecimalMin("0") @DecimalMax("10") Double wd0,
            @NotNull @DecimalMin("0") @DecimalMax("100") Double s1,
            @NotNull @DecimalMin("0") @DecimalMax("100") Double s2,
            @DecimalMin("0") Double durationMs,
            @NotNull @Size(max = 10_000) List<@Valid @NotNull ModuleAnalysis> modules) {
    }

    record AnalysisList(List<Analysis> analyses) {
    }

    record Overrides(@NotNull @Size(max = 10_000) Map<String, Double> overrides) {
    }

    @PostMapping("/analyses")
    ResponseEntity<Analysis> record(@PathVariable UUID id, @Valid @RequestBody NewAnalysis body) {
        Analysis saved = analyses.record(id, body);
        return ResponseEntity.created(URI.create("/api/v1/runs/" + id + "/analyses/" + saved.id())).body(saved);
    }

    @GetMapping("/analyses")
    AnalysisList list(@PathVariable UUID id, @RequestParam(defaultValue = "false") boolean includeModules) {
        return new AnalysisList(analyses.list(id, includeModules));
    }

    @GetMapping("/analyses/latest")
    Analysis latest(@PathVariable UUID id) {
        return analyses.latest(id);
    }

    @GetMapping("/analyses/{analysisId}")
    Analysis one(@PathVariable UUID id, @PathVariable long analysisId) {
        return analyses.get(id, analysisId);
    }

    @GetMapping("/decay-assignment")
    DecayAssignment assignment(@PathVariable UUID id) {
        return analyses.assignment(id);
    }

    @PutMapping("/decay-overrides")
    DecayAssignment overrides(@PathVariable UUID id, @Valid @RequestBody Overrides body) {
        return analyses.replaceOverrides(id, body.overrides());
    }
}
