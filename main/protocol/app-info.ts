/** The app's version, as package.json has it (a unit test keeps the two equal). */
export const APP_VERSION = '0.1.0';
