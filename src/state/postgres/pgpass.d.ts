// This file declares the types of the `pgpass` package (libpq's password file reader), which ships none.
declare module 'pgpass' {
  interface ConnectionInfo {
    host: string;
    port: number;
    database: string;
    user: string;
  }
  function pgpass(info: ConnectionInfo, callback: (password: string | undefined) => void): void;
  namespace pgpass {
    /** Where warnings about a too-open file go; null silences them. */
    function warnTo(stream: NodeJS.WritableStream | null): NodeJS.WritableStream | null;
  }
  export default pgpass;
}
