package dev.sandpod.query.user;

import dev.sandpod.api.user.FindSessionStateQuery;
import dev.sandpod.api.user.FindUserByUsernameQuery;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.FindUsersQuery;
import dev.sandpod.api.user.IsSessionRevokedQuery;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UserPageView;
import dev.sandpod.api.user.UserView;
import dev.sandpod.projections.user.UserReadModel;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class UserQueryHandlers {

    private final UserReadModel readModel;

    UserQueryHandlers(UserReadModel readModel) {
        this.readModel = readModel;
    }

    @QueryHandler
    UserView handle(FindUserQuery query) {
        return readModel.byId(query.userId()).orElse(null);
    }

    @QueryHandler
    UserView handle(FindUserByUsernameQuery query) {
        return readModel.byUsername(query.username()).orElse(null);
    }

    @QueryHandler
    Boolean handle(IsSessionRevokedQuery query) {
        return readModel.isSessionRevoked(query.sessionId());
    }

    @QueryHandler
    SessionStateView handle(FindSessionStateQuery query) {
        return readModel.sessionState(query.userId(), query.sessionId()).orElse(null);
    }

    @QueryHandler
    UserPageView handle(FindUsersQuery query) {
        return readModel.page(query);
    }
}
