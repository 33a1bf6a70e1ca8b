package dev.sandpod.query.usersettings;

import dev.sandpod.api.usersettings.FindUserSettingsHistoryQuery;
import dev.sandpod.api.usersettings.FindUserSettingsQuery;
import dev.sandpod.api.usersettings.SettingsHistoryView;
import dev.sandpod.api.usersettings.UserSettingsView;
import dev.sandpod.projections.usersettings.UserSettingsReadModel;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class UserSettingsQueryHandlers {

    private final UserSettingsReadModel readModel;

    UserSettingsQueryHandlers(UserSettingsReadModel readModel) {
        this.readModel = readModel;
    }

    @QueryHandler
    UserSettingsView handle(FindUserSettingsQuery query) {
        return readModel.of(query.userId());
    }

    @QueryHandler
    SettingsHistoryView handle(FindUserSettingsHistoryQuery query) {
        return new SettingsHistoryView(readModel.history(query.userId(), query.limit()));
    }
}
