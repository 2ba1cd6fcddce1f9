/** The package name, used to name tracers, meters and the CLI. */
export const PACKAGE_NAME = 'lifeline';
/** The package version (a test keeps it equal to package.json). */
export const VERSION = '0.1.0';
