#pragma once

#include "engine/socketfactory.h"

#include <memory>

namespace testsupport {

/// Brings lo up in the network namespace of the calling thread (one that has just called
/// unshare(CLONE_NEWNET): a new namespace starts with lo down).
bool bringLoopbackUp();

/// Sockets made in a private network namespace of the test's own (root only): every frame on its
/// lo, and every socket sock_diag reports, belongs to the test.
class PrivateNamespaceFactory : public SocketFactory
{
public:
    struct Options
    {
        bool allowPing = false;  // write ping_group_range so that ping sockets may be opened
        bool canCapture = false; // what canCapture() answers
    };
    /// Null when the namespace cannot be made (not root, or the kernel refuses).
    static std::shared_ptr<PrivateNamespaceFactory> create(Options options);
    static std::shared_ptr<PrivateNamespaceFactory> create() { return create(Options{}); }
    ~PrivateNamespaceFactory() override;

    int createSocket(int domain, int type, int protocol) override;
    QString mode() const override { return QStringLiteral("sandbox"); }
    bool canCapture() const override { return m_canCapture; }
    QString description() const override { return QStringLiteral("a private network namespace of the test"); }

private:
    int m_namespace = -1;
    bool m_canCapture = false;
};

} // namespace testsupport
