// Jest runs the LWC tests only (sfdx-lwc-jest's configuration); the TypeScript tests run on node's test runner.
import sfdxLwcJest from '@salesforce/sfdx-lwc-jest/config.js';

const { jestConfig } = sfdxLwcJest;

export default {
  ...jestConfig,
  testMatch: ['<rootDir>/force-app/**/lwc/**/__tests__/*.test.js'],
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/node_modules/', '<rootDir>/var/'],
};
