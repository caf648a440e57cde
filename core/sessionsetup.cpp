#include "sessionsetup.h"

#include "socketfactory.h"

SessionSetup setUpSession(const Scenario &scenario, const SessionSetupOptions &options)
{
    auto factory = std::make_shared<HostSocketFactory>();
    SessionSetup setup;
    setup.mode = factory->mode();
    setup.capture = factory->canCapture();
    setup.description = factory->description();
    setup.session = std::make_unique<Session>(scenario, factory, options.session);
    return setup;
}
