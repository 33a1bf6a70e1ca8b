package dev.sandpod.web.adminusers;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserRole;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The request and answer bodies of {@link AdminUserController}, named in the API document as the contract names them. */
final class AdminUserPayloads {

    private AdminUserPayloads() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "UserCreate")
    record CreateUserRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "email")
            String email,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String password,

            @Schema(implementation = UserRole.class, defaultValue = "user")
            String role,

            @Schema(defaultValue = "true") Boolean isActive) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "UserUpdate", description = "Fields left out keep their value")
    record UpdateUserRequest(
            String username,
            @Schema(format = "email") String email,
            @Schema(implementation = UserRole.class) String role,
            Boolean isActive,

            @Schema(description = "A new password; ends the user's sessions")
            String password) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "PasswordResetRequest")
    record PasswordResetRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String newPassword) {}

    @Schema(name = "MessageResponse")
    record MessageResponse(String message) {}

    @Schema(name = "DeleteUserResponse", description = "What was deleted with the account")
    record DeleteUserResponse(
            boolean userDeleted,
            int executions,
            int savedScripts,
            int notifications,
            int userSettings,
            int events,
            int sagas) {}

    @Schema(name = "UserListResponse")
    record UserListResponse(List<UserResponse> users, long total, int offset, int limit) {}

    @Schema(name = "UnlockResponse")
    record UnlockResponse(String userId, String message) {}
}
