// `prepack` of the workspace package: its package.json sends the "development" condition to
// ./src, which is not shipped, so packing it as-is would publish a broken package.
console.error("sdk: pack the SDK with 'npm run pack:release -w sdk'; it publishes a package.json that names only dist files.");
process.exit(1);
