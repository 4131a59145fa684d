#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns Nagle's algorithm off (`TCP_NODELAY`) on the mock brokers' connections, as a real Kafka broker does.
///
/// librdkafka's mock brokers leave Nagle on for the sockets they accept. A client that sends two requests to one
/// broker back to back (a producer sends one ProduceRequest per partition) then gets the second response only after
/// its own delayed ACK, about 40 ms later on Linux: a produce to several partitions took 42–46 ms to be acknowledged,
/// against 0.3 ms for a single record. The mock API has no option for it, so ``MockCluster`` keeps calling
/// ``sweep()``, which sets `TCP_NODELAY` on every connected TCP socket of the process that lacks it. Listening
/// sockets are left alone; sockets of other clients in the same process (tests) only lose Nagle, which they do not
/// need either.
package enum SocketNoDelay {
    /// Sweeps every `interval` until the task is cancelled; a new connection keeps Nagle at most that long.
    static func keepSweeping(every interval: Duration) -> Task<Void, Never> {
        Task.detached(priority: .utility) {
            while !Task.isCancelled {
                _ = sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Sets `TCP_NODELAY` on every connected TCP socket of this process that lacks it; returns how many changed.
    @discardableResult
    package static func sweep() -> Int {
        var changed = 0
        for fd in openDescriptors() where isConnectedTCP(fd) && option(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY) == 0 {
            var on: Int32 = 1
            if setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 {
                changed += 1
            }
        }
        return changed
    }

    /// The descriptors listed in `/proc/self/fd` (Linux); none elsewhere.
    private static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var result: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name) { result.append(fd) }
        }
        return result
    }

    /// Whether `fd` is a TCP stream socket over IPv4 or IPv6 that is not listening.
    private static func isConnectedTCP(_ fd: Int32) -> Bool {
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        guard option(fd, level: SOL_SOCKET, name: SO_TYPE) == stream,
            option(fd, level: SOL_SOCKET, name: SO_ACCEPTCONN) == 0
        else { return false }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let family = Int32(address.ss_family)
        return named == 0 && (family == AF_INET || family == AF_INET6)
    }

    /// An integer socket option of `fd`, `nil` when `fd` is not a socket (or closed meanwhile).
    package static func option(_ fd: Int32, level: Int32, name: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, level, name, &value, &length) == 0 ? value : nil
    }
}
