import PostgresNIO

extension Database {
    /// Whether `error` is worth retrying later (the connection, the server or the pool went away, a deadlock,
    /// a serialization failure, a timeout) rather than a bug or bad data (an SQL error such as a constraint
    /// violation or a syntax error).
    ///
    /// Handlers use it to choose between retrying a batch and sending a record to its dead-letter topic.
    package static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError:
            return true
        case let error as StorageError:
            if error.code == .connectionLost { return true }
            return error.underlying.map(isTransient) ?? false
        case let error as PostgresTransactionError:
            let parts = [error.beginError, error.closureError, error.commitError].compactMap { $0 }
            return parts.contains(where: isTransient)
        case let error as PSQLError:
            return isTransient(error)
        default:
            return false
        }
    }

    /// Whether `error` means the server ended the session (a `FATAL` or `PANIC` error, or a closed connection).
    static func endsSession(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .server:
            let severity = error.serverInfo?[.severity]
            return severity == "FATAL" || severity == "PANIC"
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return true
        default:
            return false
        }
    }

    private static func isTransient(_ error: PSQLError) -> Bool {
        switch error.code {
        case .server:
            return error.serverInfo?[.sqlState].map(isTransientSQLState) ?? false
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .queryCancelled, .listenFailed, .unlistenFailed:
            return true
        default:
            // Protocol, authentication and TLS failures: retrying does not help until someone fixes something.
            return false
        }
    }

    /// SQLSTATEs that say "try again": classes 08 (connection), 53 (insufficient resources), 57 (operator
    /// intervention: shutdown, statement timeout), 58 (system I/O), plus serialization failure, deadlock and
    /// lock-not-available.
    private static func isTransientSQLState(_ state: String) -> Bool {
        let transientClasses: Set<Substring> = ["08", "53", "57", "58"]
        let transientStates: Set<String> = ["40001", "40P01", "55P03"]
        return transientClasses.contains(state.prefix(2)) || transientStates.contains(state)
    }
}
