package io.alphadecay.esd.analysis;

import java.io.IOException;

import io.alphadecay.api.analysis.AnalysisResult;
import io.alphadecay.common.web.ApiException;
import io.alphadecay.common.web.ProblemType;
import io.alphadecay.common.web.RequestTooLargeException;
import io.alphadecay.safetensors.MalformedCheckpointException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class AnalysisController {

    private final AnalysisService analyses;

    AnalysisController(AnalysisService analyses) {
        this.analyses = analyses;
    }

    /**
     * Analyses a safetensors checkpoint streamed as the body. Query parameters override the checkpoint's
     * {@code __metadata__}; {@code include}/{@code exclude} replace the module filter; {@code report=false}
     * keeps the result from the control-api even when a run id is known.
     */
    @PostMapping(
            path = "/analyses",
            consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    AnalysisResult analyze(
            HttpServletRequest request,
            @RequestParam(required = false) String runId,
            @RequestParam(required = false) Long step,
            @RequestParam(required = false) String estimator,
            @RequestParam(required = false) String policy,
            @RequestParam(required = false) Double wd0,
            @RequestParam(required = false) Double s1,
            @RequestParam(required = false) Double s2,
            @RequestParam(required = false) String include,
            @RequestParam(required = false) String exclude,
            @RequestParam(defaultValue = "true") boolean report) {
        var overrides = new AnalysisParameters.Overrides(runId, step, estimator, policy, wd0, s1, s2);
        try {
            return analyses.analyze(request.getInputStream(), overrides, include, exclude, report);
        } catch (MalformedCheckpointException ex) {
            analyses.countFailure(ex.kind());
            throw new ApiException(
                    ex.truncated() ? ProblemType.MALFORMED : ProblemType.UNPROCESSABLE_CHECKPOINT, ex.getMessage());
        } catch (RequestTooLargeException ex) {
            analyses.countFailure("too-large");
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, ex.getMessage());
        } catch (IOException ex) {
            analyses.countFailure("read-error");
            throw new ApiException(ProblemType.MALFORMED, "The checkpoint could not be read: " + ex.getMessage());
        }
    }
}
