package io.alphadecay.control.analysis;

import java.net.URI;
import java.util.UUID;

import io.alphadecay.api.analysis.Analysis;
import io.alphadecay.api.analysis.AnalysisList;
import io.alphadecay.api.analysis.DecayAssignment;
import io.alphadecay.api.analysis.DecayOverrides;
import io.alphadecay.api.analysis.NewAnalysis;
import jakarta.validation.Valid;
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

    @PostMapping("/analyses")
    ResponseEntity<Analysis> record(@PathVariable UUID id, @Valid @RequestBody NewAnalysis body) {
        Analysis saved = analyses.record(id, body);
        return ResponseEntity.created(URI.create("/api/v1/runs/" + id + "/analyses/" + saved.id()))
                .body(saved);
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
    DecayAssignment overrides(@PathVariable UUID id, @Valid @RequestBody DecayOverrides body) {
        return analyses.replaceOverrides(id, body.overrides());
    }
}
