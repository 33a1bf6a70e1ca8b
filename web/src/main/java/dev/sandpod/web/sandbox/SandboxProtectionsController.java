package dev.sandpod.web.sandbox;

import dev.sandpod.api.runtime.SandboxProtections;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Which protections against hostile scripts are active where this instance runs its runs, so an admin sees at a
 * glance when a host lacks one (no user namespaces, cgroup v1 only, no seccomp, runs sharing a uid).
 */
@RestController
@Tag(name = "Admin: sandbox", description = "The protections in force for runs (admins)")
class SandboxProtectionsController {

    private final ObjectProvider<SandboxProtections> protections;

    SandboxProtectionsController(ObjectProvider<SandboxProtections> protections) {
        this.protections = protections;
    }

    @Schema(name = "SandboxProtections")
    record ProtectionsResponse(
            @Schema(description = "local, kubernetes, or none when this instance runs nothing")
            String runner,

            @Schema(description = "Whether runs can start here")
            boolean available,

            @Schema(description = "Protection → what is in force (lists comma-separated)")
            Map<String, String> protections) {}

    @Addition
    @GetMapping({"/api/v1/admin/sandbox/protections", "/api/v1/admin/sandbox/protections/"})
    @Operation(summary = "The protections against hostile scripts in force for runs of this instance")
    @ApiResponse(responseCode = "200", description = "The protections")
    ProtectionsResponse protections() {
        SandboxProtections p = protections.getIfAvailable();
        if (p == null) {
            return new ProtectionsResponse("none", false, Map.of());
        }
        Map<String, String> text = new LinkedHashMap<>();
        p.protections()
                .forEach((k, v) -> text.put(
                        k,
                        v instanceof Collection<?> c
                                ? String.join(
                                        ", ", c.stream().map(String::valueOf).toList())
                                : String.valueOf(v)));
        return new ProtectionsResponse(p.runner(), p.available(), text);
    }
}
